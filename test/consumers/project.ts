/**
 * A consumer project made from the packed tarball, as a new user would have it: `npm pack` of the
 * built package, a fresh directory with its own package.json, `npm install <tarball>` (simdnn has no
 * runtime dependencies, so this needs no registry), and the app sources of test/consumers/app/.
 * The bundlers themselves run from this repository's node_modules (their JS APIs), with the
 * consumer directory as their root, so 'simdnn' resolves to the installed tarball.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const APP_SOURCES = join(ROOT, 'test/consumers/app');

export interface ConsumerProject {
  /** The project directory (package.json, node_modules/simdnn, src/, index.html). */
  dir: string;
  /** What `npm install <tarball>` printed on stdout and stderr. */
  installLog: string;
}

/** Packs the repository (dist/ must be built) into `into`; returns the tarball's path. */
export async function pack(into: string): Promise<string> {
  mkdirSync(into, { recursive: true });
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', into], { cwd: ROOT, maxBuffer: 1 << 24 });
  const tgz = readdirSync(into).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack wrote no tarball into ${into}`);
  return join(into, tgz);
}

/** A fresh consumer project in a temporary directory with the tarball installed. */
export async function consumerProject(tarball: string): Promise<ConsumerProject> {
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-consumer-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  const { stdout, stderr } = await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], {
    cwd: dir,
    maxBuffer: 1 << 24,
  });
  cpSync(APP_SOURCES, dir, { recursive: true });
  return { dir, installLog: `${stdout}\n${stderr}` };
}
