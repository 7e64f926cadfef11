/** Experiment 5, the MSE dissociation: under MSE, L stays near one and the norm effect is about half of CE's. */
import type { MseDissociationResult } from '../../analysis/mse-dissociation.ts';
import type { Cell, NumberFormat, Section } from '../model.ts';
import { byKey, fixed, INTEGER, LOGIT_SCALE, numberCell, RATIO, times } from './cells.ts';
import type { StudyArtifact } from './input.ts';
import { type PublishedValues, withoutEmptyPaperColumns } from './published.ts';
import type { MediationArm } from './temperature.ts';

export function dissociationSection(
  dissociation: ReadonlyArray<StudyArtifact<MseDissociationResult>>,
  arms: readonly MediationArm[],
  published: PublishedValues,
): Section | null {
  if (dissociation.length === 0) return null;
  const sorted = byKey(dissociation, (a) => a.data.p);
  /** The published value from a claim on this dissociation artifact or on the MSE mediation of the same p. */
  const paper = (artifact: StudyArtifact<MseDissociationResult>, format: NumberFormat, path: string, mediationPath: string): Cell => {
    const own = published.cell(artifact, format, path);
    if (own !== null) return own;
    const arm = arms.find((a) => a.result.loss === 'mse' && a.result.model === artifact.data.mse.model && a.result.p === artifact.data.p);
    for (const s of arm?.sources ?? []) {
      const cell = published.cell(s.artifact, format, s.prefix + mediationPath);
      if (cell !== null) return cell;
    }
    return null;
  };
  const rows: Cell[][] = sorted.map((artifact) => {
    const d = artifact.data;
    const ce = d.comparedWithCe;
    return [
      { kind: 'number', value: d.p, format: INTEGER },
      numberCell(d.logitScaleAtGrok, LOGIT_SCALE, 'no L (not grokked)'),
      paper(artifact, LOGIT_SCALE, 'logitScaleAtGrok', 'l0'),
      numberCell(d.logitScaleSwing, times(2), 'not defined'),
      numberCell(ce?.ceLogitScaleSwing ?? null, times(2), ce ? 'not defined' : 'no CE input'),
      numberCell(d.mse.normUpRatio, RATIO, 'not defined'),
      paper(artifact, RATIO, 'mse.normUpRatio', 'normUpRatio'),
      numberCell(ce?.ceNormUpRatio ?? null, RATIO, ce ? 'not defined' : 'no CE input'),
      numberCell(ce?.logEffectShare ?? null, fixed(2), ce ? 'not defined' : 'no CE input'),
    ];
  });
  return {
    id: 'mse-dissociation',
    title: 'MSE dissociation: no logit-scale lever, a smaller norm effect',
    text: [
      'The temperature experiment repeated under MSE (w_c from the MSE free control), beside CE at the same ' +
        'modulus. MSE regresses z/τ onto the one-hot target, so the logit scale is pinned near one whatever the norm; if the norm ' +
        'acted through the softmax saturation alone, MSE would show a weaker norm effect and no τ lever.',
    ],
    tables: [
      withoutEmptyPaperColumns({
        id: 'mse-dissociation',
        caption:
          'L at grokking of the MSE baseline; the L swing (max/min over the τ sweep cells that grokked) under MSE and CE; the ' +
          'slowdown T1/T0 under MSE and CE; and ln(T1/T0)_MSE / ln(T1/T0)_CE, the share of CE’s log-slowdown that MSE shows ' +
          '(“about half” on the log scale is 0.5).',
        columns: [
          { header: 'p' },
          { header: 'MSE L at grok' },
          { header: 'paper L' },
          { header: 'MSE L swing' },
          { header: 'CE L swing' },
          { header: 'MSE T1/T0' },
          { header: 'paper MSE T1/T0' },
          { header: 'CE T1/T0' },
          { header: 'ln-effect share' },
        ],
        rows,
      }),
    ],
  };
}
