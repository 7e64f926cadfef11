/** Cells arrive as fan-ins of training instances; an analysis picks the ones it needs by (rho, tau). */
import type { InputRef } from '../../src/engine/stage.ts';
import type { CellResult } from '../../src/grok/train/cell.ts';

export async function readCells(refs: readonly InputRef[]): Promise<CellResult[]> {
  return Promise.all(refs.map((r) => r.json<CellResult>('cell.json')));
}

export async function readCell(ref: InputRef): Promise<CellResult> {
  return ref.json<CellResult>('cell.json');
}

/** Grid values are compared to 1e-9: 1.15 from YAML and 1.15 from a product of floats are one cell. */
export function same(a: number | undefined, b: number): boolean {
  return a !== undefined && Math.abs(a - b) < 1e-9;
}

function rhoOf(c: CellResult): number {
  return c.config.rho ?? 0;
}

/** The one cell at (rho, tau); a clear error names what was there instead. */
export function cellAt(cells: readonly CellResult[], rho: number, tau: number, what: string): CellResult {
  const found = cells.filter((c) => same(rhoOf(c), rho) && same(c.config.tau, tau));
  if (found.length !== 1) {
    const have = cells.map((c) => `(rho ${rhoOf(c)}, tau ${c.config.tau})`).join(', ');
    throw new Error(`${what}: expected one cell at rho ${rho}, tau ${tau}; found ${found.length} among ${have || 'no cells'}. Check the cell matrix in pipeline.yaml`);
  }
  return found[0];
}

/** Every cell of the rho x tau product, in product order. */
export function cellsOf(cells: readonly CellResult[], rhos: readonly number[], taus: readonly number[], what: string): CellResult[] {
  return rhos.flatMap((rho) => taus.map((tau) => cellAt(cells, rho, tau, what)));
}

export const bootstrapProperties = {
  resamples: { type: 'integer', minimum: 1, default: 4000 },
  bootstrapSeed: { type: 'integer', minimum: 0, default: 1 },
} as const;

/** The params of a temperature-mediation analysis (CE or MSE): baseline and raised norm, the tau sweep. */
export interface SweepParams {
  baselineRho: number;
  raisedRho: number;
  taus: number[];
  resamples: number;
  bootstrapSeed: number;
}

export const sweepParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['taus'],
  properties: {
    baselineRho: { type: 'number', default: 1 },
    raisedRho: { type: 'number', default: 1.15 },
    taus: { type: 'array', items: { type: 'number' }, minItems: 2, description: 'the sweep at the raised norm, tau 1 included' },
    ...bootstrapProperties,
  },
} as const;

/** The baseline cell (rho baselineRho, tau 1) and the sweep at the raised norm, from a fan-in of cells. */
export function mediationInput(cells: readonly CellResult[], params: SweepParams, what: string) {
  return {
    baseline: cellAt(cells, params.baselineRho, 1, what),
    sweep: cellsOf(cells, [params.raisedRho], params.taus, what),
    bootstrap: { resamples: params.resamples, seed: params.bootstrapSeed },
  };
}
