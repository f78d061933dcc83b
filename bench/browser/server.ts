/**
 * A static file server for the browser benchmark: serves the repository root on 127.0.0.1 (random
 * port) with `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy:
 * require-corp`, so the page is cross-origin isolated and may use SharedArrayBuffer (threads).
 * `virtual` adds in-memory files (path → JavaScript source, or bytes served as octet-stream), e.g. a
 * bundle built for the page and the data it trains on.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
};

/** Headers that make a page cross-origin isolated (crossOriginIsolated === true). */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
} as const;

export async function serveIsolated(
  root: string,
  virtual: Readonly<Record<string, string | Uint8Array>> = {},
): Promise<{ origin: string; close(): Promise<void> }> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const source = virtual[path];
    if (source !== undefined) {
      const type = typeof source === 'string' ? TYPES['.js']! : 'application/octet-stream';
      res.writeHead(200, { ...ISOLATION_HEADERS, 'content-type': type, 'cache-control': 'no-store' }).end(source);
      return;
    }
    const file = resolve(join(base, path));
    const fail = (status: number) => res.writeHead(status, ISOLATION_HEADERS).end();
    if (file !== base && !file.startsWith(base + sep)) return fail(403);
    stat(file).then(
      (st) => {
        if (!st.isFile()) return fail(404);
        res.writeHead(200, {
          ...ISOLATION_HEADERS,
          'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'content-length': st.size,
          'cache-control': 'no-store',
        });
        createReadStream(file)
          .on('error', () => res.destroy())
          .pipe(res);
      },
      () => fail(404),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
