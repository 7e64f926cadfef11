/**
 * What the study's report is built from: the analysis artifacts of one pipeline profile, each with the
 * instance that wrote it, and the claims of claims.yaml. Everything the page prints comes from here.
 */
import type { CollapseGridResult } from '../../analysis/collapse-grid.ts';
import type { DoseResponseResult } from '../../analysis/dose-response.ts';
import type { Float64AuditResult } from '../../analysis/float64-audit.ts';
import type { FreeControlResult } from '../../analysis/free-control.ts';
import type { LayerAllocationResult } from '../../analysis/layer-allocation.ts';
import type { MemorizationControlResult } from '../../analysis/memorization-control.ts';
import type { MseDissociationResult } from '../../analysis/mse-dissociation.ts';
import type { SameStateForksResult } from '../../analysis/same-state-forks.ts';
import type { TemperatureMediationResult } from '../../analysis/temperature-mediation.ts';
import type { TransformerControlResult } from '../../analysis/transformer.ts';
import type { Claim } from '../../../core/claims.ts';
import type { PublishedTables } from './published-tables.ts';

/** One JSON file of one stage instance, e.g. { instance: 'grid[p=59]', file: 'grid.json', data }. */
export interface StudyArtifact<T = unknown> {
  instance: string;
  file: string;
  data: T;
}

/**
 * A claim of claims.yaml (the shared core's Claim, src/core/claims.ts, which `grokpipe verify` uses too).
 * `published` is what the paper states; `reproduced` names the artifact value that is checked against it.
 */
export type StudyClaim = Claim;

export interface StudyReportInput {
  /** The pipeline profile the artifacts come from ("smoke", "quick", "paper"). */
  profile: string;
  /** What produced the page, e.g. "grokpipe 0.1.0"; never a time. */
  generator: string;
  /** The study's title; a default names the paper. */
  title?: string;
  /** Extra header facts (label -> value), printed after the ones the builder derives. */
  pipeline?: Array<{ label: string; value: string }>;
  claims: StudyClaim[];
  /** Experiment 3 under CE and MSE: mediation[loss=..,p=..]/mediation.json. */
  mediation: Array<StudyArtifact<TemperatureMediationResult>>;
  /** Experiment 5: dissociation[p=..]/dissociation.json. */
  dissociation: Array<StudyArtifact<MseDissociationResult>>;
  /** Experiment 4: grid[p=..]/grid.json. */
  grid: Array<StudyArtifact<CollapseGridResult>>;
  /** Experiment 6: memorization[p=..]/memorization.json. */
  memorization: Array<StudyArtifact<MemorizationControlResult>>;
  /** Experiment 2: dose[p=..]/dose.json. */
  dose: Array<StudyArtifact<DoseResponseResult>>;
  /** Experiment 2's float64 re-runs, audited as experiment 8: floor_audit[p=..]/audit.json (absent: none). */
  floor?: Array<StudyArtifact<Float64AuditResult>>;
  /** Experiment 7: forks[p=..]/forks.json. */
  forks: Array<StudyArtifact<SameStateForksResult>>;
  /** Experiment 8: audit/audit.json. */
  audit: StudyArtifact<Float64AuditResult> | null;
  /** Experiment 9: transformer/transformer.json. */
  transformer: StudyArtifact<TransformerControlResult> | null;
  /** Experiment 1, MLP and transformer: free[..]/control.json and tfree/control.json. */
  free: Array<StudyArtifact<FreeControlResult>>;
  /** Experiment 11 (SPEC 7.1): layers[p=..]/layers.json. */
  layers?: Array<StudyArtifact<LayerAllocationResult>>;
  /** The paper's per-cell tables (published-tables.yaml); null or absent: no per-cell comparison. */
  publishedTables?: PublishedTables | null;
  /** Any other JSON a claim may name (looked up after the typed artifacts above). */
  extra?: StudyArtifact[];
}

/** Every artifact of the input, typed ones first, in a fixed order: where claims are resolved. */
export function allArtifacts(input: StudyReportInput): StudyArtifact[] {
  return [
    ...input.mediation,
    ...input.dissociation,
    ...input.grid,
    ...input.memorization,
    ...input.dose,
    ...(input.floor ?? []),
    ...input.forks,
    ...(input.audit ? [input.audit] : []),
    ...(input.transformer ? [input.transformer] : []),
    ...input.free,
    ...(input.layers ?? []),
    ...(input.extra ?? []),
  ];
}
