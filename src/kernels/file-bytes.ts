/**
 * The bytes of a `file:` URL (Node only). Where `process.getBuiltinModule` exists (Node 20.16+),
 * read synchronously through it: the .wasm files are ~56 KB (well under a millisecond from the
 * page cache), and a cold start then neither imports `node:fs` / `node:url` as ES modules nor
 * starts libuv's thread pool. Elsewhere `node:fs/promises` is imported on first use. The browser
 * build swaps in file-bytes.browser.ts (see tsup.config.ts), where there are no files.
 */
export async function fileBytes(url: URL): Promise<Uint8Array> {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof p?.getBuiltinModule === 'function') {
    const fs = p.getBuiltinModule('node:fs') as typeof import('node:fs');
    const { fileURLToPath } = p.getBuiltinModule('node:url') as typeof import('node:url');
    return new Uint8Array(fs.readFileSync(fileURLToPath(url)));
  }
  const { readFile } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  return new Uint8Array(await readFile(fileURLToPath(url)));
}
