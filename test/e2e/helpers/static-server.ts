/**
 * A small static file server for the tests: the seed's HTML snippet on its own origin,
 * and (in reference mode) the built client in front of the DRF reference.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Serves one HTML document at every path. */
export function serveHtml(html: string, options: { host: string; port: number }): Promise<StaticServer> {
  return listen(
    createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': TYPES['.html'] as string });
      response.end(html);
    }),
    options,
  );
}

/** Serves a directory, answering index.html for unknown paths (a single-page app). */
export function serveDirectory(root: string, options: { host: string; port: number }): Promise<StaticServer> {
  return listen(
    createServer((request, response) => {
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      const candidate = normalize(join(root, pathname));
      const inside = candidate.startsWith(root.endsWith(sep) ? root : root + sep);
      const file = inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : join(root, 'index.html');
      response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(readFileSync(file));
    }),
    options,
  );
}

function listen(server: Server, options: { host: string; port: number }): Promise<StaticServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      resolve({
        origin: `http://${options.host}:${options.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
