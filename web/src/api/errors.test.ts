import { describe, expect, it } from 'vitest';
import { ApiError, errorFromBody, networkError } from './errors.ts';

describe('errorFromBody', () => {
  it('reads DRF detail bodies (401, 403, 404)', () => {
    const error = errorFromBody(401, 'Unauthorized', { detail: 'Invalid token.' });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(401);
    expect(error.isUnauthorized).toBe(true);
    expect(error.detail).toBe('Invalid token.');
    expect(error.message).toBe('Invalid token.');
    expect(error.formMessages).toEqual(['Invalid token.']);
    expect(error.hasFieldErrors).toBe(false);
  });

  it('reads non_field_errors (a failed login)', () => {
    const error = errorFromBody(400, 'Bad Request', {
      non_field_errors: ['Unable to log in with provided credentials.'],
    });
    expect(error.detail).toBeNull();
    expect(error.nonFieldErrors).toEqual(['Unable to log in with provided credentials.']);
    expect(error.formMessages).toEqual(['Unable to log in with provided credentials.']);
    expect(error.message).toBe('Unable to log in with provided credentials.');
  });

  it('reads one list of messages per field', () => {
    const error = errorFromBody(400, 'Bad Request', {
      name: ['This field is required.'],
      price: ['A valid number is required.'],
    });
    expect(error.hasFieldErrors).toBe(true);
    expect(error.messagesFor('name')).toEqual(['This field is required.']);
    expect(error.messagesFor('price')).toEqual(['A valid number is required.']);
    expect(error.messagesFor('description')).toEqual([]);
    expect(error.formMessages).toEqual([]);
    expect(error.message).toBe('Please correct the errors below.');
  });

  it('keeps messages for fields the form does not show', () => {
    const error = errorFromBody(400, 'Bad Request', { name: ['Too long.'], sku: ['Already taken.'] });
    expect(error.messagesOutside(['name', 'price'])).toEqual(['sku: Already taken.']);
  });

  it('flattens nested errors and reads a bare list', () => {
    expect(errorFromBody(400, '', { tags: { 0: ['Not a valid string.'] } }).messagesFor('tags')).toEqual([
      '0: Not a valid string.',
    ]);
    expect(errorFromBody(400, '', ['Something is wrong.']).nonFieldErrors).toEqual(['Something is wrong.']);
  });

  it('explains a body it cannot read, such as a proxy error page', () => {
    const error = errorFromBody(502, 'Bad Gateway', '<html>bad gateway</html>');
    expect(error.formMessages).toEqual(['The server had a problem (502 Bad Gateway). Please try again in a moment.']);
    expect(errorFromBody(418, '', undefined).message).toBe('The request failed (418).');
  });
});

describe('networkError', () => {
  it('has status 0 and a message for people', () => {
    const cause = new TypeError('Failed to fetch');
    const error = networkError(cause);
    expect(error.status).toBe(0);
    expect(error.message).toBe('Could not reach the server. Check your connection and try again.');
    expect((error as { cause?: unknown }).cause).toBe(cause);
  });
});
