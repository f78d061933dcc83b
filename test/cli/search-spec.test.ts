/**
 * The --search spec of `simdnn train` (src/cli/search-spec.ts): lists, layer stacks, ranges, and
 * what is wrong with a bad spec.
 */
import { describe, expect, it } from 'vitest';
import { parseSearchSpec } from '../../src/cli/search-spec.js';

describe('search spec', () => {
  it('parseSearchSpec reads lists, layer stacks and ranges, and names what is wrong', () => {
    expect(parseSearchSpec('lr=0.01,0.1;hidden=64,128x32;l2=0,5;dropout=0,0.5')).toEqual({
      learningRate: [0.01, 0.1],
      hidden: [64, [128, 32]],
      l2: [0, 5],
      dropout: [0, 0.5],
    });
    expect(parseSearchSpec(' lambda = 1 ; eta=0.001..0.3:log ; hidden=16..64 ')).toEqual({
      l2: [1],
      learningRate: { min: 0.001, max: 0.3, scale: 'log' },
      hidden: { min: 16, max: 64, integer: true },
    });
    const bad: [string, RegExp][] = [
      ['', /it is empty/],
      ['lr', /'lr' is not key=values/],
      ['foo=1', /unknown parameter 'foo'/],
      ['lr=0.1;lr=0.2', /'learningRate' is given twice/],
      ['lr=abc', /'abc' in lr is not a number/],
      ['lr=0.1,', /lr has an empty value/],
      ['lr=0', /lr must be > 0/],
      ['dropout=1', /dropout must be in \[0, 1\)/],
      ['l2=-1', /l2 \(λ\) must be ≥ 0/],
      ['hidden=12.5', /hidden widths must be positive integers/],
      ['lr=0.5..0.1', /needs min < max/],
      ['l2=0..1:log', /log range of l2 needs min > 0/],
    ];
    for (const [spec, re] of bad) expect(() => parseSearchSpec(spec), spec).toThrow(re);
    expect(() => parseSearchSpec('foo=1')).toThrow("expected e.g. 'lr=0.01,0.1;hidden=64,128;l2=0,5;dropout=0,0.5'");
  });
});
