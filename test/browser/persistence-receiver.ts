/**
 * An http server that takes `model.save('http://…')`'s multipart POST (parts model.json and
 * weights.bin) and writes the parts into a directory, as a real upload endpoint would; it allows
 * any origin (CORS), so a page served elsewhere can save to it. The body is parsed by undici's
 * multipart parser (the one behind fetch's `Response.formData`), not by simdnn.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface Receiver {
  /** The upload URL, e.g. "http://127.0.0.1:41873/upload". */
  url: string;
  /** Method and headers of every POST or PUT received, in order. */
  requests: { method: string; headers: IncomingHttpHeaders }[];
  /** The status the next uploads are answered with (200 stores them; anything else refuses). */
  status: { code: number };
  close(): Promise<void>;
}

export async function receiver(dir: string): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const status = { code: 200 };
  const server: Server = createServer(async (req, res) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, PUT' };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    requests.push({ method: req.method ?? '', headers: req.headers });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (status.code !== 200) return res.writeHead(status.code, 'Nope', cors).end();
    const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
    await mkdir(dir, { recursive: true });
    const parts: [string, Blob][] = [];
    form.forEach((value, name) => {
      parts.push([name, value as Blob]);
    });
    for (const [name, blob] of parts) await writeFile(join(dir, name), Buffer.from(await blob.arrayBuffer()));
    res.writeHead(200, cors).end('saved');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/upload`,
    requests,
    status,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}
