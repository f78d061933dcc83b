/**
 * Section `browser`: simdnn training throughput in Chromium (Debian's /usr/bin/chromium or
 * CHROMIUM_PATH, driven by playwright-core), on a page served with COOP/COEP so it is cross-origin
 * isolated and threads can use shared memory: 784-128-10 and 784-512-256-10 at batch 128, on one
 * thread and on two (n/a while the build reports no thread count) — and jax-js beside it, which in a
 * browser splits its kernels over its own worker pool (the threaded peer).
 *
 * bench/browser/train.html imports the built package (dist/index.js) and times one `fit` per
 * measurement in chunks (median chunk); jax-js runs bench/peers/jaxjs.ts, bundled here with esbuild
 * and served from memory. Every measurement loads the page afresh; ROUNDS rounds, the contender order
 * rotating. The page picks simdnn's SIMD level itself ('auto': relaxed in Chromium).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '../src/index.js';
import { CHROMIUM, launchChromium } from '../test/browser/chromium.js';
import { CROSS_ORIGIN_ISOLATION, serveStatic } from '../test/browser/server.js';
import { NET_DEEP, NET_SMALL, layersName, type Layers } from './peers/common.js';
import { fmt, median, mdTable, ratio, spreadPct } from './stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = 3;
const BATCH = 128;
/** Contenders: simdnn on 1 and 2 threads, jax-js with its worker pool. */
const CONTENDERS = ['simdnn-1', 'simdnn-2', 'jaxjs'] as const;
type Contender = (typeof CONTENDERS)[number];

/** Rows of MNIST the page trains on. */
const PAGE_ROWS = 4096;

/**
 * The first PAGE_ROWS MNIST training rows for the page: PAGE_ROWS × 784 float32 pixels, then
 * PAGE_ROWS int32 labels (little-endian, as the page reads them).
 */
async function mnistBytes(): Promise<Uint8Array> {
  const { train } = await loadMnist({ trainLimit: PAGE_ROWS, testLimit: 1 });
  const d = train.x.shape[1];
  const out = new Uint8Array(PAGE_ROWS * d * 4 + PAGE_ROWS * 4);
  out.set(new Uint8Array(train.x.data.buffer, train.x.data.byteOffset, PAGE_ROWS * d * 4), 0);
  out.set(new Uint8Array(train.labels.buffer, train.labels.byteOffset, PAGE_ROWS * 4), PAGE_ROWS * d * 4);
  return out;
}

/** bench/peers/jaxjs.ts (and jax-js with it) as one ES module for the page. */
async function jaxBundle(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [join(ROOT, 'bench', 'peers', 'jaxjs.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

interface Api {
  benchTrain(a: unknown): Promise<unknown>;
  benchJaxTrain(a: unknown): Promise<unknown>;
}

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

  const server = await serveStatic(ROOT, {
    headers: CROSS_ORIGIN_ISOLATION,
    virtual: {
      '/bench/browser/jaxjs.bundle.js': await jaxBundle(),
      '/bench/browser/mnist.bin': await mnistBytes(),
    },
  });
  const browser = await launchChromium();
  const version = browser.version();
  const nets: Layers[] = [NET_SMALL, NET_DEEP];
  const figures = new Map<string, number[]>(); // `${net}|${contender}` → round medians
  const na = new Set<Contender>();
  let info: Omit<PageResult, 'rates' | 'threads'> | undefined;
  let jaxThreading = '?';
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [n, layers] of nets.entries()) {
        const shift = (r + n) % CONTENDERS.length;
        for (const c of [...CONTENDERS.slice(shift), ...CONTENDERS.slice(0, shift)]) {
          if (na.has(c)) continue;
          const page = await browser.newPage();
          try {
            const errors: string[] = [];
            page.on('pageerror', (e) => errors.push(e.message));
            await page.goto(`${server.origin}/bench/browser/train.html`);
            await page.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true, null, {
              timeout: 60_000,
            });
            const args = { layers: [...layers], batchSize: BATCH, seconds, threads: c === 'simdnn-2' ? 2 : 1 };
            let rates: number[];
            if (c === 'jaxjs') {
              const res = (await page.evaluate((a) => (window as unknown as Api).benchJaxTrain(a), args)) as {
                rates: number[];
                threading: string;
              };
              jaxThreading = res.threading;
              rates = res.rates;
            } else {
              const res = (await page.evaluate((a) => (window as unknown as Api).benchTrain(a), args)) as PageResult;
              info = { simd: res.simd, crossOriginIsolated: res.crossOriginIsolated, cores: res.cores };
              if ((res.threads ?? 1) !== args.threads) {
                na.add(c);
                log(
                  `  browser ${c}: n/a (the page's backend reports ${res.threads === null ? 'no thread count' : `${res.threads} threads`})`,
                );
                continue;
              }
              rates = res.rates;
            }
            if (errors.length) throw new Error(errors.join('; '));
            const key = `${layersName(layers)}|${c}`;
            figures.set(key, [...(figures.get(key) ?? []), median(rates)]);
            log(`  browser r${r + 1} ${layersName(layers)} b${BATCH} ${c}: ${fmt(median(rates))} samples/s (±${fmt(spreadPct(rates))} %)`);
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
  const fig = (n: string, c: Contender) => median(figures.get(`${n}|${c}`) ?? []);
  const cell = (n: string, c: Contender) => (na.has(c) ? 'n/a' : fmt(fig(n, c)));
  const rows = nets.map((l) => {
    const n = layersName(l);
    return [
      `train ${n}, batch ${BATCH} (samples/s)`,
      cell(n, 'simdnn-1'),
      cell(n, 'simdnn-2'),
      na.has('simdnn-2') ? 'n/a' : ratio(fig(n, 'simdnn-2'), fig(n, 'simdnn-1'), 2),
      cell(n, 'jaxjs'),
      ratio(fig(n, 'simdnn-1'), fig(n, 'jaxjs')),
      na.has('simdnn-2') ? 'n/a' : ratio(fig(n, 'simdnn-2'), fig(n, 'jaxjs')),
    ];
  });
  return {
    markdown: [
      '### Chromium: training throughput with and without threads',
      '',
      `**Browser:** Chromium ${version} (headless, Debian), page cross-origin isolated: ${info?.crossOriginIsolated ?? '?'}, ` +
        `navigator.hardwareConcurrency ${info?.cores ?? '?'}, simdnn SIMD level ${info?.simd ?? '?'}.`,
      '',
      mdTable(
        ['work', 'simdnn 1 thread', 'simdnn 2 threads', '2 ÷ 1', `jax-js (${jaxThreading})`, 'simdnn 1 ÷ jax-js', 'simdnn 2 ÷ jax-js'],
        rows,
      ),
      '',
      `bench/browser/train.html over COOP/COEP, a fresh page per figure, ${rounds} rounds (contender order rotating), ` +
        `${seconds} s timed per figure, median chunk rate, median over rounds; the first ${fmt(PAGE_ROWS)} MNIST training rows; ` +
        'same network and optimizer as the peers section (jax-js: the same adapter, bench/peers/jaxjs.ts).' +
        (na.has('simdnn-2') ? ' simdnn 2 threads: n/a — this build reports no thread count (init({ threads }) not available yet).' : ''),
    ].join('\n'),
  };
}
