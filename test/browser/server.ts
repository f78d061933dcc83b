/**
 * A minimal static file server for the browser smoke test: serves a directory (the repo root) on
 * 127.0.0.1 at a random free port, with the MIME types browsers insist on for ES modules
 * (text/javascript) and for `WebAssembly.compileStreaming` (application/wasm).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  /** e.g. "http://127.0.0.1:41873" (no trailing slash). */
  origin: string;
  /** Every request path served, with its status, in order (for diagnostics). */
  log: { path: string; status: number }[];
  close(): Promise<void>;
}

/** Response headers that make a page cross-origin isolated (SharedArrayBuffer, threads). */
export const CROSS_ORIGIN_ISOLATION: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export interface ServeOptions {
  /** Extra headers on every file response (e.g. CROSS_ORIGIN_ISOLATION). Default: none. */
  headers?: Readonly<Record<string, string>>;
  /**
   * In-memory files by request path (e.g. '/bench/browser/data.bin'), served before the directory:
   * a string as JavaScript, bytes as application/octet-stream. Default: none.
   */
  virtual?: Readonly<Record<string, string | Uint8Array>>;
}

/** Serves files under `root` read-only. Paths that escape `root` get 403; missing files 404. */
export async function serveStatic(root: string, options: ServeOptions = {}): Promise<StaticServer> {
  const base = resolve(root);
  const log: { path: string; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: string): void => {
      log.push({ path: req.url ?? '', status });
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request');
    }
    const source = options.virtual?.[pathname];
    if (source !== undefined) {
      const type = typeof source === 'string' ? MIME_TYPES['.js']! : 'application/octet-stream';
      log.push({ path: req.url ?? '', status: 200 });
      res.writeHead(200, { ...options.headers, 'content-type': type, 'cache-control': 'no-store' }).end(source);
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = resolve(join(base, pathname));
    if (file !== base && !file.startsWith(base + sep)) return send(403, 'forbidden');
    stat(file).then(
      (st) => {
        if (!st.isFile()) return send(404, `not found: ${pathname}`);
        const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
        log.push({ path: req.url ?? '', status: 200 });
        res.writeHead(200, { ...options.headers, 'content-type': type, 'content-length': st.size, 'cache-control': 'no-store' });
        if (req.method === 'HEAD') return res.end();
        createReadStream(file)
          .on('error', () => res.destroy())
          .pipe(res);
      },
      () => send(404, `not found: ${pathname}`),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}
