/**
 * buildStudyReport: the study's analysis artifacts and claims in, the report's model out. A pure
 * function: no clock, no file system, fixed order everywhere, so the same artifacts give the same page.
 * An experiment the profile did not run has no artifacts and no section.
 */
import type { ReportModel, Section } from '../model.ts';
import { collapseGridSection } from './collapse-grid.ts';
import { extraSection } from './extra.ts';
import { dissociationSection } from './dissociation.ts';
import { doseResponseSection } from './dose-response.ts';
import { forksSection } from './forks.ts';
import { freeControlsSection } from './free-controls.ts';
import { headlineSection, notCoveredSection } from './headline.ts';
import { allArtifacts, type StudyArtifact, type StudyReportInput } from './input.ts';
import { memorizationSection } from './memorization.ts';
import { precisionSection } from './precision.ts';
import { PublishedValues } from './published.ts';
import { mediationArms, temperatureSection } from './temperature.ts';
import { transformerSection } from './transformer.ts';
import { claimApplies } from '../../../core/claims.ts';
import { layerAllocationSection } from './layer-allocation.ts';
import { paperTablesSection } from './paper-tables.ts';

export const DEFAULT_TITLE = 'What does the weight norm control in grokking? A grokpipe reproduction';

export const PAPER = {
  title: 'What Does the Weight Norm Control in Grokking? Logit-Scale Mediation under Cross-Entropy',
  reference: 'Truong Xuan Khanh, arXiv:2606.18465',
  url: 'https://arxiv.org/abs/2606.18465',
};

/** One artifact per instance and file (a fan-in may list an instance twice); first wins, order kept. */
function unique<T>(artifacts: ReadonlyArray<StudyArtifact<T>>): Array<StudyArtifact<T>> {
  const seen = new Set<string>();
  return artifacts.filter((a) => {
    const key = `${a.instance}\u0000${a.file}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function buildStudyReport(raw: StudyReportInput): ReportModel {
  const input: StudyReportInput = {
    ...raw,
    mediation: unique(raw.mediation),
    dissociation: unique(raw.dissociation),
    grid: unique(raw.grid),
    memorization: unique(raw.memorization),
    dose: unique(raw.dose),
    floor: unique(raw.floor ?? []),
    forks: unique(raw.forks),
    free: unique(raw.free),
    layers: unique(raw.layers ?? []),
  };
  const artifacts = allArtifacts(input);
  const published = new PublishedValues(input.claims);
  const arms = mediationArms(input.mediation, input.dissociation);
  const sections: Array<Section | null> = [
    headlineSection(input.claims, artifacts, input.profile),
    freeControlsSection(input.free),
    doseResponseSection(input.dose, published, input.floor ?? []),
    temperatureSection(arms, published),
    dissociationSection(input.dissociation, arms, published),
    collapseGridSection(input.grid, published),
    memorizationSection(input.memorization, published),
    forksSection(input.forks, published),
    precisionSection(input.audit, published),
    transformerSection(input.transformer, published, input.publishedTables ?? null),
    layerAllocationSection(input.layers ?? [], input.publishedTables ?? null, published),
    paperTablesSection({ arms, free: input.free, dose: input.dose, forks: input.forks }, input.publishedTables ?? null),
    extraSection(input.extra ?? []),
    notCoveredSection(input.claims, input.profile),
  ];
  const checked = input.claims.filter((c) => claimApplies(c, input.profile)).length;
  return {
    header: {
      title: input.title ?? DEFAULT_TITLE,
      paper: PAPER,
      profile: input.profile,
      pipeline: [
        { label: 'analysis artifacts', value: String(artifacts.length) },
        {
          label: 'claims checked',
          value: checked === input.claims.length ? `${checked} (every claim of claims.yaml)` : `${checked} of ${input.claims.length} (the rest belong to other profiles)`,
        },
        ...(input.pipeline ?? []),
      ],
      generator: input.generator,
    },
    sections: sections.filter((s): s is Section => s !== null),
  };
}
