/**
 * The analyses read the trainer's real output: a short real cell (it does not grok in so few steps) goes
 * through the accessors, and the trainer's CellResult type must stay assignable to the analyses' view
 * (checked by `tsc --noEmit`, which compiles this file).
 */
import { describe, expect, it } from 'vitest';
import { runCell, type CellResult as TrainerCellResult } from '../../src/grok/train/cell.ts';
import { type CellResult, logitScaleAtGrok, nearestLogIndex, seedMeanAt, seriesAtGrokOrEnd, summarizeCell } from '../../src/grok/analysis/cells.ts';
import { analyzeFreeControl, requireCriticalNorm } from '../../src/grok/analysis/free-control.ts';

const asAnalysisCell = (r: TrainerCellResult): CellResult => r; // compile-time compatibility

describe('analyses on a real trainer result', () => {
  it('read the trainer\'s fields through the accessors', async () => {
    const { result } = await runCell({
      model: 'mlp', p: 7, trainFraction: 0.4, seeds: [0, 1, 2], loss: 'ce', tau: 1.3, precision: 'f32', engine: 'ts',
      budget: 60, evalEvery: 25, logEvery: 20,
    });
    const cell = asAnalysisCell(result);
    const summary = summarizeCell(cell);
    expect(summary).toMatchObject({ p: 7, tau: 1.3, seeds: 3, grokkedCount: result.grokkedCount, medianTGrok: result.medianTGrok, finalStep: result.finalStep });
    expect(summary.medianTMem).toBe(result.medianTMem);
    expect(logitScaleAtGrok(cell)).toBe(result.logitScaleAtGrok);
    const last = result.logSteps.length - 1;
    const reading = seriesAtGrokOrEnd(cell, 'collapse');
    const k = result.medianTGrok === null ? last : nearestLogIndex(cell, result.medianTGrok);
    expect(reading.step).toBe(result.logSteps[k]);
    expect(reading.value).toBeCloseTo(result.log.reduce((s, l) => s + l.collapse[k], 0) / 3, 15);
    expect(seedMeanAt(cell, 'L', 0)).toBeCloseTo(result.log.reduce((s, l) => s + l.L[0], 0) / 3, 12);
    const free = analyzeFreeControl(cell);
    if (result.medianTGrok === null) {
      expect(free.wc).toBeNull();
      expect(() => requireCriticalNorm(free)).toThrow(/free seeds grokked/);
    } else {
      expect(free.wc).not.toBeNull();
    }
  });
});
