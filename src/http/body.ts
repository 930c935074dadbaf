// Request bodies, read lazily as DRF's Request.data is: a view that never reads the body
// (logout, DELETE) never fails on a malformed one. Fastify hands every body over as a raw
// Buffer (see registerRawBodyParser); the view asks for it with readRequestData().
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../errors.js';
import { mediaTypeMatches, parseMediaType, type MediaType } from './media-type.js';
import { parsePythonJson, PyJsonError, type PyJson } from './python-json.js';

/** A file part of a multipart body; serializer fields refuse it as DRF's do. */
export class UploadedFile {
  constructor(readonly name: string, readonly size: number) {}
}

/** Form and multipart data: Django's QueryDict, whose get() answers the last value. */
export class FormData {
  constructor(private readonly values: ReadonlyMap<string, ReadonlyArray<string | UploadedFile>>) {}

  has(key: string): boolean {
    return this.values.has(key);
  }

  get(key: string): string | UploadedFile | undefined {
    const list = this.values.get(key);
    return list === undefined ? undefined : list[list.length - 1];
  }
}

/** What a view reads: a parsed JSON value, or form fields. */
export type RequestData = { readonly kind: 'json'; readonly value: PyJson } | { readonly kind: 'form'; readonly value: FormData };

export interface Parser {
  readonly mediaType: string;
  readonly parsedMediaType: MediaType;
  parse(body: Buffer, contentType: string): Promise<RequestData> | RequestData;
}

export const jsonParser: Parser = {
  mediaType: 'application/json',
  parsedMediaType: parseMediaType('application/json'),
  parse(body) {
    try {
      return { kind: 'json', value: parsePythonJson(body) };
    } catch (error) {
      if (error instanceof PyJsonError) throw errors.parse(`JSON parse error - ${error.message}`);
      throw error;
    }
  },
};

export const formParser: Parser = {
  mediaType: 'application/x-www-form-urlencoded',
  parsedMediaType: parseMediaType('application/x-www-form-urlencoded'),
  parse(body) {
    // Django decodes with errors='replace', as URLSearchParams does.
    const values = new Map<string, string[]>();
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
      const list = values.get(key);
      if (list === undefined) values.set(key, [value]);
      else list.push(value);
    }
    return { kind: 'form', value: new FormData(values) };
  },
};

export const multipartParser: Parser = {
  mediaType: 'multipart/form-data',
  parsedMediaType: parseMediaType('multipart/form-data'),
  async parse(body, contentType) {
    const boundary = parseMediaType(contentType).params.get('boundary');
    if (boundary === undefined || boundary === '') {
      throw errors.parse('Multipart form parse error - Invalid boundary in multipart: None');
    }
    const values = new Map<string, Array<string | UploadedFile>>();
    let parsed: globalThis.FormData;
    try {
      parsed = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    } catch {
      // Django reads a body with no valid parts as empty data (the fields are then missing).
      return { kind: 'form', value: new FormData(values) };
    }
    for (const [key, entry] of parsed.entries()) {
      const value = typeof entry === 'string' ? entry : new UploadedFile(entry.name, entry.size);
      const list = values.get(key);
      if (list === undefined) values.set(key, [value]);
      else list.push(value);
    }
    return { kind: 'form', value: new FormData(values) };
  },
};

export const DEFAULT_PARSERS: readonly Parser[] = [jsonParser, formParser, multipartParser];

const EMPTY_JSON: RequestData = { kind: 'json', value: Object.create(null) as PyJson };
const EMPTY_FORM: RequestData = { kind: 'form', value: new FormData(new Map()) };

/**
 * DRF's Request._parse: no body or no Content-Type means empty data; otherwise the first
 * parser whose media type matches, or 415 naming the Content-Type exactly as sent.
 */
export async function readRequestData(request: FastifyRequest, parsers: readonly Parser[]): Promise<RequestData> {
  const body = request.body;
  const hasBody = Buffer.isBuffer(body) && body.length > 0;
  // A body without a Content-Type is refused as media type "" (DRF reads a missing header as '').
  const contentType = request.headers['content-type'] ?? (hasBody ? '' : undefined);
  if (!hasBody || contentType === undefined) {
    if (contentType !== undefined) {
      const mediaType = parseMediaType(contentType);
      if (mediaType.full === 'application/x-www-form-urlencoded' || mediaType.full === 'multipart/form-data') return EMPTY_FORM;
    }
    return EMPTY_JSON;
  }
  const wanted = parseMediaType(contentType);
  const parser = parsers.find((candidate) => mediaTypeMatches(candidate.parsedMediaType, wanted));
  if (parser === undefined) throw errors.unsupportedMediaType(contentType);
  return parser.parse(body, contentType);
}

/**
 * Every content type is read into a Buffer, unparsed, up to the body limit; views parse it
 * when they read it. This keeps DRF's order: authentication, permissions and the method
 * check come before any complaint about the body.
 */
export function registerRawBodyParser(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, function keepRawBody(_request, body, done) {
    done(null, body);
  });
}
