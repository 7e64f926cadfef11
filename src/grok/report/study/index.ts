/** The study's report builder: analysis artifacts and claims -> ReportModel (render it with ../index.ts). */
export { buildStudyReport, DEFAULT_TITLE, PAPER } from './build.ts';
export type { StudyArtifact, StudyClaim, StudyReportInput } from './input.ts';
export { allArtifacts } from './input.ts';
export { parseClaims } from './claims-file.ts';
export { claimApplies, readPath, type PathReading } from '../../../core/claims.ts';
export { claimFormat, claimTolerance, compareClaim, type ClaimComparison } from './claim-values.ts';
