/**
 * `simdnn train --diagnostics`: the per-epoch health line on stderr and the health in the --json history.
 */
import { describe, expect, it } from 'vitest';
import { lastLine, trainBlobs as train } from '../helpers/cli.js';

describe('simdnn train --diagnostics', () => {
  it('--diagnostics prints per-epoch health and puts it in the JSON history', async () => {
    const r = await train('--layers', '16', '--epochs', '3', '--diagnostics', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/health: L0 ‖∇‖ \S+ Δ\/w \S+ dead \d+% \| L1 ‖∇‖/);
    const out = JSON.parse(lastLine(r.stdout));
    expect(out.history[2].diagnostics.layers).toHaveLength(2);
    expect(out.history[2].diagnostics.layers[0]).toMatchObject({ layer: 0, gradNorm: expect.any(Number), updateRatio: expect.any(Number) });
  });
});
