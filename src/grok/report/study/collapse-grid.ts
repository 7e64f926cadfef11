/** Experiment 4, the collapse grid: over rho x tau, L explains ln T_grok and the norm adds little given L. */
import type { CollapseGridResult } from '../../analysis/collapse-grid.ts';
import { formatNumber } from '../format.ts';
import type { Cell, Figure, Section } from '../model.ts';
import { byKey, fixed, gridValue, grokCell, grokkedNote, INTEGER, logitScaleCell, numberCell, R_SQUARED, rhoLabel, tauLabel } from './cells.ts';
import type { StudyArtifact } from './input.ts';
import { type PublishedValues, withoutEmptyPaperColumns } from './published.ts';

export function collapseGridSection(grid: ReadonlyArray<StudyArtifact<CollapseGridResult>>, published: PublishedValues): Section | null {
  if (grid.length === 0) return null;
  const sorted = byKey(grid, (a) => a.data.p);
  const fitRows: Cell[][] = sorted.map((artifact) => {
    const g = artifact.data;
    return [
      { kind: 'number', value: g.p, format: INTEGER },
      `${g.usedCount} of ${g.cells.length}`,
      numberCell(g.rSquaredL, R_SQUARED, 'no fit'),
      published.cell(artifact, R_SQUARED, 'rSquaredL', 'fitL.rSquared'),
      numberCell(g.rSquaredRho, R_SQUARED, 'no fit'),
      published.cell(artifact, R_SQUARED, 'rSquaredRho', 'fitRho.rSquared'),
      numberCell(g.rSquaredBoth, R_SQUARED, 'no fit'),
      numberCell(g.deltaRSquaredRhoGivenL, R_SQUARED, 'no fit'),
      published.cell(artifact, R_SQUARED, 'deltaRSquaredRhoGivenL'),
      numberCell(g.fitL ? g.fitL.slopes[0] : null, fixed(4), 'no fit'),
      coefficientText(g),
    ];
  });
  const rhos = [...new Set(sorted.flatMap((a) => a.data.cells.map((c) => c.rho)))].sort((a, b) => a - b);
  const taus = [...new Set(sorted.flatMap((a) => a.data.cells.map((c) => c.tau)))].sort((a, b) => a - b);
  const cellRows: Cell[][] = rhos.flatMap((rho) =>
    taus.map((tau): Cell[] => [
      gridValue(rho),
      gridValue(tau),
      ...sorted.flatMap(({ data: g }): Cell[] => {
        const c = g.cells.find((x) => x.rho === rho && x.tau === tau);
        return c ? [grokCell(c.summary), logitScaleCell(c.summary)] : [null, null];
      }),
    ]),
  );
  const figures: Figure[] = sorted.map(({ data: g }) => ({
    id: `collapse-grid-${g.p}`,
    caption:
      `p = ${g.p}: ln of the median T_grok against L at grokking over the ${g.cells.length} grid cells (${g.usedCount} grokked and drawn); ` +
      'colour: ρ, shape: τ; the line is the OLS fit ln T ~ L.',
    chart: {
      type: 'scatter',
      title: `Collapse grid, p = ${g.p}: ln T_grok vs L`,
      x: { label: 'effective logit scale L at grokking' },
      y: { label: 'ln T_grok (median over seeds)', format: fixed(1) },
      colourBy: { title: 'ρ', levels: rhos.map(gridValue), palette: 'sequential' },
      markerBy: { title: 'τ', levels: taus.map(gridValue) },
      points: g.cells.map((c) => ({ x: c.summary.logitScaleAtGrok, y: c.lnTGrok, colour: gridValue(c.rho), marker: gridValue(c.tau) })),
      fits: g.fitL
        ? [
            {
              intercept: g.fitL.intercept,
              slope: g.fitL.slopes[0],
              label: `OLS ln T ~ L (R² = ${g.fitL.rSquared === null ? '—' : formatNumber(g.fitL.rSquared, R_SQUARED)})`,
            },
          ]
        : [],
    },
    width: 560,
    height: 400,
  }));
  return {
    id: 'collapse-grid',
    title: 'Collapse grid: L explains the delay, ρ adds little',
    text: [
      `Cross-entropy cells at ρ ∈ {${rhos.map(gridValue).join(', ')}} × τ ∈ {${taus.map(gridValue).join(', ')}}. Ordinary least ` +
        'squares on the cell medians (one observation per cell that grokked): ln T ~ L, ln T ~ ρ and ln T ~ L + ρ. ' +
        'ΔR² = R²(L + ρ) − R²(L) is what the norm explains once the logit scale is known.',
    ],
    tables: [
      withoutEmptyPaperColumns({
        id: 'collapse-r2',
        caption: 'R² of the three regressions, ΔR², the slope of ln T_grok per unit of L, and the ρ coefficient of ln T ~ L + ρ (± its OLS standard error).',
        columns: [
          { header: 'p' },
          { header: 'cells' },
          { header: 'R²(L)' },
          { header: 'paper R²(L)' },
          { header: 'R²(ρ)' },
          { header: 'paper R²(ρ)' },
          { header: 'R²(L + ρ)' },
          { header: 'ΔR²' },
          { header: 'paper ΔR²' },
          { header: 'slope on L' },
          { header: 'ρ coef. given L' },
        ],
        rows: fitRows,
      }),
      {
        id: 'collapse-cells',
        caption:
          `Every grid cell: median T_grok over the ${[...new Set(sorted.flatMap((a) => a.data.cells.map((c) => c.summary.seeds)))].join(' or ')} ` +
          'seeds of the cell and L (mean over seeds) at the logged step nearest it.',
        columns: [{ header: 'ρ' }, { header: 'τ' }, ...sorted.flatMap(({ data: g }) => [{ header: `p = ${g.p}: T_grok` }, { header: 'L' }])],
        rows: cellRows,
      },
    ],
    figures,
    notes: [grokkedNote(sorted.flatMap(({ data: g }) => g.cells.map((c) => ({ label: `p = ${g.p}, ${rhoLabel(c.rho)}, ${tauLabel(c.tau)}`, summary: c.summary }))))],
  };
}

/** "0.412 ± 0.23": the rho coefficient given L, with its standard error when the fit has one. */
function coefficientText(g: CollapseGridResult): Cell {
  if (!g.fitBoth) return 'no fit';
  const coefficient = formatNumber(g.fitBoth.slopes[1], { kind: 'significant', digits: 3 });
  const se = g.fitBoth.standardErrors ? g.fitBoth.standardErrors[1] : null;
  return se === null ? coefficient : `${coefficient} ± ${formatNumber(se, { kind: 'significant', digits: 2 })}`;
}
