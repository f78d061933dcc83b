/**
 * `npm run bench [-- section ...] [--quick] [--seconds N]`
 *
 * Runs the benchmark sections one at a time (never concurrently), machine line first, prints the
 * Markdown tables to stdout (progress goes to stderr) and writes them to bench/results/latest.md.
 * Sections: gemm, activations, cholesky, mnist, predict, cold-start, regularized, second-order, threads,
 * peers, cold-start-peers, browser (default: all, in that order).
 *
 * Started by `node --experimental-wasm-relaxed-simd --import tsx bench/index.ts` so that Node 20
 * validates the relaxed-SIMD build; without the flag the relaxed rows are reported as skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineLine } from './machine.js';
import { now } from './stats.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export const SECTIONS = [
  'gemm',
  'activations',
  'cholesky',
  'mnist',
  'predict',
  'cold-start',
  'regularized',
  'second-order',
  'threads',
  'peers',
  'cold-start-peers',
  'browser',
] as const;
export type Section = (typeof SECTIONS)[number];

interface Args {
  sections: Section[];
  quick: boolean;
  seconds?: number;
  write: boolean;
}

function usage(): string {
  return `usage: npm run bench [-- [${SECTIONS.join('|')} ...] [--quick] [--seconds N] [--no-write]]`;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { sections: [], quick: false, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') out.quick = true;
    else if (a === '--no-write') out.write = false;
    else if (a === '--seconds') {
      const v = Number(argv[++i]);
      if (!(v > 0)) throw new Error(`--seconds needs a positive number, got ${argv[i]}\n${usage()}`);
      out.seconds = v;
    } else if (a === '--help' || a === '-h') {
      console.log(usage());
      process.exit(0);
    } else if ((SECTIONS as readonly string[]).includes(a)) {
      if (!out.sections.includes(a as Section)) out.sections.push(a as Section);
    } else {
      throw new Error(`unknown benchmark section or flag '${a}'\n${usage()}`);
    }
  }
  if (out.sections.length === 0) out.sections = [...SECTIONS];
  // Keep the canonical order whatever order they were typed in.
  out.sections.sort((a, b) => SECTIONS.indexOf(a) - SECTIONS.indexOf(b));
  return out;
}

/** Whatever a section function returns, reduced to Markdown (or nothing if it printed its own). */
function toMarkdown(r: unknown): string | undefined {
  if (typeof r === 'string') return r;
  if (r && typeof r === 'object') {
    const o = r as { markdown?: unknown; table?: unknown };
    if (typeof o.markdown === 'string') return o.markdown;
    if (typeof o.table === 'string') return o.table;
  }
  return undefined;
}

/**
 * Sections written by other files (bench/gemm.ts → benchGemm, …): imported on demand, skipped with a
 * note when the file does not exist yet.
 */
async function external(file: string, fn: string, ...args: unknown[]): Promise<string> {
  const path = join(HERE, `${file}.ts`);
  if (!existsSync(path)) return `_skipped: bench/${file}.ts is not present._`;
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const f = mod[fn];
  if (typeof f !== 'function') return `_skipped: bench/${file}.ts does not export ${fn}()._`;
  const r = await (f as (...a: unknown[]) => unknown)(...args);
  return toMarkdown(r) ?? `_${fn}() printed its results above (it returned no Markdown)._`;
}

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: HERE, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: HERE, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    return sha + (dirty ? ' (with uncommitted changes)' : '');
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const seconds = args.seconds ?? (args.quick ? 1 : 3);
  const log = (s: string) => console.error(s);

  const machine = machineLine();
  const parts: string[] = [
    '## Benchmarks',
    '',
    `**Machine:** ${machine}`,
    '',
    `_${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · commit ${gitCommit()} · sections: ${args.sections.join(', ')}` +
      (args.sections.includes('mnist') ? ` · ${seconds} s timed per MNIST row and batch size` : '') +
      (args.quick ? ' · QUICK MODE: a smoke run, not numbers to quote' : '') +
      '._',
  ];
  console.log(parts.join('\n'));
  let failed = false;

  for (const section of args.sections) {
    log(`\n== ${section} ==`);
    const t0 = now();
    let md: string;
    try {
      switch (section) {
        case 'gemm':
          md = await external('gemm', 'benchGemm', args.quick ? { log, seconds: 0.3 } : { log });
          break;
        case 'activations':
          md = await external('activations', 'benchActivations', args.quick ? { log, seconds: 0.2 } : { log });
          break;
        case 'cholesky':
          md = await external('cholesky', 'benchCholesky', args.quick ? { log, secondsPerCell: 0.3 } : { log });
          break;
        case 'mnist': {
          const { benchMnist } = await import('./mnist.js');
          md = (await benchMnist({ seconds, subset: args.quick ? 5000 : 10_000, log })).markdown;
          break;
        }
        case 'predict': {
          const { benchPredict, benchPredictBatch } = await import('./predict.js');
          md = `${(await benchPredict({ log })).markdown}\n\n${(await benchPredictBatch({ log, rounds: args.quick ? 1 : undefined })).markdown}`;
          break;
        }
        case 'cold-start': {
          const { benchColdStart } = await import('./cold-start.js');
          md = (await benchColdStart({ log, runs: args.quick ? 5 : undefined })).markdown;
          break;
        }
        case 'regularized': {
          const { benchRegularized } = await import('./regularized.js');
          md = (await benchRegularized({ log, rounds: args.quick ? 2 : undefined })).markdown;
          break;
        }
        case 'second-order': {
          const { benchSecondOrder } = await import('./second-order.js');
          md = (await benchSecondOrder({ log, repeats: args.quick ? 1 : undefined })).markdown;
          break;
        }
        case 'threads': {
          const { benchThreads } = await import('./threads.js');
          md = (await benchThreads({ log, seconds: args.quick ? 0.3 : 1, rounds: args.quick ? 1 : undefined })).markdown;
          break;
        }
        case 'peers': {
          const { benchPeers } = await import('./peers.js');
          md = (await benchPeers(args.quick ? { log, rounds: 1, seconds: 0.5, trainRows: 3000 } : { log, seconds: args.seconds })).markdown;
          break;
        }
        case 'cold-start-peers': {
          const { benchColdStartPeers } = await import('./cold-start-peers.js');
          md = (await benchColdStartPeers({ log, rounds: args.quick ? 3 : undefined })).markdown;
          break;
        }
        case 'browser': {
          const { benchBrowser } = await import('./browser.js');
          md = (await benchBrowser({ log, seconds: args.quick ? 0.5 : args.seconds })).markdown;
          break;
        }
      }
    } catch (e) {
      failed = true;
      const err = e as Error;
      log(err.stack ?? String(err));
      md = `_${section} failed: ${err.message.split('\n')[0]}_`;
    }
    log(`== ${section}: ${((now() - t0) / 1000).toFixed(1)} s ==`);
    const block = `\n${md.startsWith('#') ? '' : `### ${section}\n\n`}${md}`;
    parts.push(block);
    console.log(block);
  }

  if (args.write) {
    const dir = join(HERE, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'latest.md');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${parts.join('\n')}\n`);
    renameSync(tmp, file);
    log(`\nwrote ${file}`);
  }
  if (failed) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error((e as Error).message ?? e);
  process.exitCode = 1;
});
