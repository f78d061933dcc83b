/**
 * Saving never loses the previous model: a child process saves a model in a loop and is killed
 * with SIGKILL at seeded random moments; after each kill the directory loads as either the last
 * completed save (old) or the one in flight (new), and the next save removes what the kill left.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dense, init, loadModel, sequential } from '../../src/index.js';
import { root } from '../helpers/cli.js';
import { generationWeights, KILL_MODEL } from '../helpers/kill-model.js';
import { mulberry32 } from '../helpers/random.js'; // the kill moments are seeded, so a failure can be replayed

const KILLS = 40;

/** Runs the save loop from generation `from`, kills it `delayMs` after its first completed save; returns the last completed one. */
function saveThenKill(dir: string, from: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/save-loop.ts'), dir, String(from)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!armed && out.includes('\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`the save loop ended without being killed: ${err}`));
      const acks = out.split('\n').filter((l) => l !== '');
      resolve(acks.length ? Number(acks[acks.length - 1]) : from);
    });
  });
}

describe('a save killed at any moment leaves the old or the new model', () => {
  it(`${KILLS} SIGKILLs of a process saving in a loop: every time one of the two loads, and the next save cleans up`, async () => {
    const backend = await init({ backend: 'js' });
    const dir = mkdtempSync(join(tmpdir(), 'simdnn-kill-'));
    const random = mulberry32(20240607);
    const tally = { old: 0, new: 0, leftovers: 0 };
    try {
      const first = sequential(
        KILL_MODEL.map((o) => dense(o)),
        { backend },
      );
      first.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
      first.setFlatWeights(generationWeights(0, first.paramCount));
      await first.save(dir);
      first.dispose();
      let gen = 0;
      for (let k = 0; k < KILLS; k++) {
        const done = await saveThenKill(dir, gen, Math.floor(random() * 30));
        if (readdirSync(dir).some((f) => f !== 'model.json' && f !== 'weights.bin')) tally.leftovers++;
        const m = await loadModel(dir, { backend });
        const w = m.getFlatWeights();
        const loaded = Math.round(w[0]! / 1000);
        expect([done, done + 1]).toContain(loaded);
        expect(Array.from(w)).toEqual(Array.from(generationWeights(loaded, w.length)));
        if (loaded === done) tally.old++;
        else tally.new++;
        // The next save removes temporaries and unreferenced weights the kill left behind.
        await m.save(dir);
        m.dispose();
        expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
        gen = loaded;
      }
      console.log(
        `kill test: ${KILLS} kills, ${tally.old} loaded the last completed save, ${tally.new} the one in flight, ${tally.leftovers} left files to clean up`,
      );
      expect(tally.old + tally.new).toBe(KILLS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
