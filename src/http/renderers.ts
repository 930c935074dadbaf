// DRF's renderers: JSONRenderer (compact, raw UTF-8, U+2028/U+2029 escaped, `indent` from
// the Accept header) and a small stand-in for the BrowsableAPIRenderer, so a browser that
// asks for text/html gets a readable page instead of a 406.
import { parseMediaType, type MediaType } from './media-type.js';

export interface Renderer {
  readonly mediaType: string;
  readonly parsedMediaType: MediaType;
  /** The `?format=` name (DRF's renderer.format). */
  readonly format: string;
  /** The Content-Type header sent with a body. */
  readonly contentType: string;
  render(data: unknown, context: RenderContext): string;
}

export interface RenderContext {
  readonly acceptedMediaType: MediaType;
  readonly statusCode: number;
  readonly method: string;
  readonly url: string;
  readonly allow: string | null;
}

const LINE_SEPARATORS = /[\u2028\u2029]/g;

export function stringifyJson(data: unknown, indent?: number): string {
  const text = indent === undefined ? JSON.stringify(data) : JSON.stringify(data, null, indent);
  // Python's json.dumps(ensure_ascii=False) leaves these raw; DRF escapes them for JSONP safety.
  if (text.indexOf('\u2028') === -1 && text.indexOf('\u2029') === -1) return text;
  return text.replace(LINE_SEPARATORS, (ch) => (ch === '\u2028' ? '\\u2028' : '\\u2029'));
}

function indentFrom(mediaType: MediaType): number | undefined {
  const raw = mediaType.params.get('indent');
  if (raw === undefined || !/^\s*[+-]?\d+\s*$/.test(raw)) return undefined;
  const indent = Math.max(Math.min(Number.parseInt(raw, 10), 8), 0);
  return indent === 0 ? undefined : indent;
}

export const jsonRenderer: Renderer = {
  mediaType: 'application/json',
  parsedMediaType: parseMediaType('application/json'),
  format: 'json',
  contentType: 'application/json',
  render(data, context) {
    return stringifyJson(data, indentFrom(context.acceptedMediaType));
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export const browsableRenderer: Renderer = {
  mediaType: 'text/html',
  parsedMediaType: parseMediaType('text/html'),
  format: 'api',
  contentType: 'text/html; charset=utf-8',
  render(data, context) {
    const body = data === undefined ? '' : stringifyJson(data, 4);
    const allow = context.allow === null ? '' : `Allow: ${escapeHtml(context.allow)}\n`;
    return [
      '<!DOCTYPE html>',
      '<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="NONE,NOARCHIVE">',
      `<title>Tessera API: ${escapeHtml(context.url)}</title>`,
      '<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}',
      'pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:1rem;overflow:auto}</style>',
      '</head><body>',
      `<h1>${escapeHtml(context.method)} ${escapeHtml(context.url)}</h1>`,
      `<pre><b>HTTP ${context.statusCode}</b>\n${allow}Content-Type: application/json\n\n${escapeHtml(body)}</pre>`,
      '<p>Send <code>Accept: application/json</code> (or <code>?format=json</code>) for the JSON alone.</p>',
      '<h2>Authenticating</h2>',
      '<p>A browser sends no token, so pages that need one answer 401 here. Get a key with',
      '<code>POST /api/token-auth/</code> and your username and password, then send it on every request:</p>',
      '<pre>curl -X POST -d username=alice -d password=... /api/token-auth/\n',
      'curl -H "Authorization: Token &lt;key&gt;" ' + escapeHtml(context.url) + '</pre>',
      '<p>Every endpoint, with its fields and answers, is described at <a href="/api/docs/">/api/docs/</a>',
      '(Swagger UI, where <b>Authorize</b> takes <code>Token &lt;key&gt;</code>), and as OpenAPI at',
      '<a href="/api/docs/json">/api/docs/json</a>. The web client is at <a href="/">/</a>.</p>',
      '</body></html>',
    ].join('\n');
  },
};
