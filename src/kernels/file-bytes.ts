/**
 * The bytes of a `file:` URL (Node only: `node:fs/promises` is imported on first use). The browser
 * build swaps in file-bytes.browser.ts (see tsup.config.ts), where there are no files.
 */
export async function fileBytes(url: URL): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  return new Uint8Array(await readFile(fileURLToPath(url)));
}
