/** Per-epoch progress of `simdnn train` on stderr. */
import cliProgress from 'cli-progress';
import { pct } from './shared.js';

// ───────────────────────────── progress ─────────────────────────────

/**
 * Per-epoch progress on stderr: a cli-progress bar (loss, accuracy, samples/s, ETA) when stderr is
 * a terminal, otherwise one line per epoch. Loss and accuracy are running means over the epoch.
 */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private t0 = 0;
  private seen = 0;
  private lossSum = 0;
  private correct = 0;
  private hasAcc = false;

  constructor(
    private readonly enabled: boolean,
    private readonly tty: boolean,
    private readonly epochs: number,
    private readonly batches: number,
  ) {}

  private payload(epoch: number) {
    const elapsed = (performance.now() - this.t0) / 1000;
    return {
      epoch: String(epoch + 1).padStart(String(this.epochs).length),
      epochs: this.epochs,
      loss: this.seen ? (this.lossSum / this.seen).toFixed(4) : '—',
      acc: this.hasAcc && this.seen ? pct(this.correct / this.seen) : '—',
      sps: elapsed > 0 ? Math.round(this.seen / elapsed).toLocaleString('en-US') : '—',
    };
  }

  epochBegin(epoch: number): void {
    this.t0 = performance.now();
    this.seen = this.lossSum = this.correct = 0;
    if (!this.enabled || !this.tty) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: 'epoch {epoch}/{epochs} {bar} {percentage}% | loss {loss} | acc {acc} | {sps} samples/s | ETA {eta_formatted}',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(this.batches, 0, this.payload(epoch));
  }

  batchEnd(epoch: number, batch: number, logs: { loss: number; accuracy?: number; size: number }): void {
    this.seen += logs.size;
    this.lossSum += logs.loss * logs.size;
    if (logs.accuracy !== undefined) {
      this.hasAcc = true;
      this.correct += logs.accuracy * logs.size;
    }
    this.bar?.update(batch + 1, this.payload(epoch));
  }

  epochEnd(epoch: number, logs: { loss: number; accuracy?: number; seconds: number; samplesPerSecond: number }): void {
    if (!this.enabled) return;
    if (this.bar) {
      this.bar.update(this.batches, {
        ...this.payload(epoch),
        loss: logs.loss.toFixed(4),
        acc: logs.accuracy === undefined ? '—' : pct(logs.accuracy),
        sps: Math.round(logs.samplesPerSecond).toLocaleString('en-US'),
      });
      this.bar.stop();
      this.bar = undefined;
      return;
    }
    const acc = logs.accuracy === undefined ? '' : `  accuracy ${pct(logs.accuracy)}`;
    process.stderr.write(
      `epoch ${epoch + 1}/${this.epochs}  loss ${logs.loss.toFixed(4)}${acc}  ` +
        `${Math.round(logs.samplesPerSecond)} samples/s  ${logs.seconds.toFixed(logs.seconds < 10 ? 2 : 1)} s\n`,
    );
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
