/**
 * Section `browser`: simdnn training throughput in Chromium (Debian's /usr/bin/chromium or
 * CHROMIUM_PATH, driven by playwright-core), on a page served with COOP/COEP so it is cross-origin
 * isolated and threads can use shared memory: 784-128-10 and 784-512-256-10 at batch 128, on one
 * thread and on two (n/a while the build reports no thread count).
 *
 * bench/browser/train.html imports the built package (dist/index.js) and times one `fit` per
 * measurement in chunks (median chunk); every measurement loads the page afresh; ROUNDS rounds with
 * the thread counts alternating. The page picks its SIMD level itself ('auto': relaxed in Chromium).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveIsolated } from './browser/server.js';
import { NET_DEEP, NET_SMALL, layersName, type Layers } from './peers/common.js';
import { fmt, median, mdTable, ratio, spreadPct } from './stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
];
const ROUNDS = 3;
const BATCH = 128;
const THREADS = [1, 2] as const;

interface PageResult {
  rates: number[];
  threads: number | null;
  simd: string;
  crossOriginIsolated: boolean;
  cores: number;
}

export async function benchBrowser(
  opts: { seconds?: number; rounds?: number; log?: (s: string) => void } = {},
): Promise<{ markdown: string }> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const seconds = opts.seconds ?? 2;
  const rounds = opts.rounds ?? ROUNDS;
  if (!existsSync(CHROMIUM)) return { markdown: `_skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)._` };
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: run `npm run build` first (`npm run bench` does).');

  const server = await serveIsolated(ROOT);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
  const version = browser.version();
  const nets: Layers[] = [NET_SMALL, NET_DEEP];
  const figures = new Map<string, number[]>(); // `${net}|${threads}` → round medians
  const na = new Set<number>();
  let info: Omit<PageResult, 'rates' | 'threads'> | undefined;
  try {
    for (let r = 0; r < rounds; r++) {
      for (const layers of nets) {
        const order = r % 2 === 0 ? THREADS : [...THREADS].reverse();
        for (const threads of order) {
          if (na.has(threads)) continue;
          const page = await browser.newPage();
          try {
            const errors: string[] = [];
            page.on('pageerror', (e) => errors.push(e.message));
            await page.goto(`${server.origin}/bench/browser/train.html`);
            await page.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true, null, {
              timeout: 60_000,
            });
            const res = (await page.evaluate((a) => (window as unknown as { benchTrain: (x: unknown) => Promise<unknown> }).benchTrain(a), {
              layers: [...layers],
              batchSize: BATCH,
              seconds,
              threads,
            })) as PageResult;
            if (errors.length) throw new Error(errors.join('; '));
            info = { simd: res.simd, crossOriginIsolated: res.crossOriginIsolated, cores: res.cores };
            if ((res.threads ?? 1) !== threads) {
              na.add(threads);
              log(
                `  browser ${threads} threads: n/a (the page's backend reports ${res.threads === null ? 'no thread count' : `${res.threads} threads`})`,
              );
              continue;
            }
            const key = `${layersName(layers)}|${threads}`;
            figures.set(key, [...(figures.get(key) ?? []), median(res.rates)]);
            log(
              `  browser r${r + 1} ${layersName(layers)} b${BATCH} ${threads} thread(s): ${fmt(median(res.rates))} samples/s (±${fmt(spreadPct(res.rates))} %, ${res.simd})`,
            );
          } finally {
            await page.close();
          }
        }
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const cell = (k: string) => (figures.get(k)?.length ? fmt(median(figures.get(k)!)) : '—');
  const rows = nets.map((l) => {
    const n = layersName(l);
    return [
      `train ${n}, batch ${BATCH} (samples/s)`,
      cell(`${n}|1`),
      na.has(2) ? 'n/a' : cell(`${n}|2`),
      na.has(2) ? 'n/a' : ratio(median(figures.get(`${n}|2`) ?? []), median(figures.get(`${n}|1`) ?? []), 2),
    ];
  });
  return {
    markdown: [
      '### Chromium: training throughput with and without threads',
      '',
      `**Browser:** Chromium ${version} (headless, Debian), page cross-origin isolated: ${info?.crossOriginIsolated ?? '?'}, ` +
        `navigator.hardwareConcurrency ${info?.cores ?? '?'}, simdnn SIMD level ${info?.simd ?? '?'}.`,
      '',
      mdTable(['work', '1 thread', '2 threads', '2 ÷ 1'], rows),
      '',
      `bench/browser/train.html over COOP/COEP, a fresh page per figure, ${rounds} rounds (thread order alternating), ` +
        `${seconds} s timed per figure, median chunk rate, median over rounds; 4,096 synthetic rows (values do not change the work).` +
        (na.has(2) ? ' 2 threads: n/a — this build reports no thread count (init({ threads }) not available yet).' : ''),
    ].join('\n'),
  };
}
