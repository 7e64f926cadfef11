/**
 * The headline section: one row per claim of claims.yaml checked under this profile, the published value
 * beside the reproduced one read from its artifact, the tolerance and the verdict; and the claims that
 * other profiles check, listed as not covered here.
 */
import type { Cell, Section, Table } from '../model.ts';
import { claimApplies } from '../../../core/claims.ts';
import { claimFormat, compareClaim, publishedQuantity } from './claim-values.ts';
import type { StudyArtifact, StudyClaim } from './input.ts';
import { formatEstimate } from '../format.ts';

/** Table cells print plain text (no `code` spans): the id in parentheses after the title. */
function claimLabel(claim: StudyClaim): string {
  return claim.title ? `${claim.title} (${claim.id})` : claim.id;
}

export function headlineSection(claims: readonly StudyClaim[], artifacts: readonly StudyArtifact[], profile: string): Section {
  const applying = claims.filter((c) => claimApplies(c, profile));
  const text = [
    'Each claim of `claims.yaml` checked under this profile: the number the paper publishes beside the value this ' +
      'pipeline reproduced, read from the named artifact exactly as `grokpipe verify` reads it, with the tolerance the ' +
      'project accepts and the verdict under the rule `verify` applies. The tolerances are the project’s; each claim’s ' +
      'reason is shown on hover over its verdict.',
  ];
  if (claims.length === 0) {
    text.push('`claims.yaml` lists no claims: there is nothing to compare with the paper.');
    return { id: 'headline', title: 'Headline claims', text };
  }
  if (applying.length === 0) {
    text.push(`No claim of \`claims.yaml\` is checked under profile ${profile}; see the claims other profiles check below.`);
    return { id: 'headline', title: 'Headline claims', text };
  }
  const rows: Cell[][] = applying.map((claim) => {
    const c = compareClaim(claim, artifacts);
    return [claimLabel(claim), c.source, c.cell];
  });
  const table: Table = {
    id: 'headline-claims',
    caption: `The ${applying.length} claim${applying.length === 1 ? '' : 's'} of \`claims.yaml\` checked under profile ${profile}, in file order.`,
    columns: [{ header: 'claim' }, { header: 'reproduced from (instance/file: path)' }, { header: 'paper vs this reproduction', kind: 'comparison' }],
    rows,
    footnote:
      'Both sides print with the same precision, at least the published number’s (three decimals against a bound). ' +
      'A bracket after a reproduced value is the paired ' +
      'bootstrap 95% interval the analysis stored beside it. "in [a, b]" is a published interval widened by the tolerance; ' +
      '"not run": the instance is not among the report’s inputs (no verdict here); "not computed": the analysis ' +
      'stored no value (null), which fails. "DIVERGES (explained)": a known divergence that `claims.yaml` explains ' +
      '(`expect: diverges`), printed with its reason; it neither passes nor fails, and fails once the claim passes.',
  };
  return { id: 'headline', title: 'Headline claims', text, tables: [table] };
}

/** Claims that only other profiles check; null when every claim applies here. */
export function notCoveredSection(claims: readonly StudyClaim[], profile: string): Section | null {
  const others = claims.filter((c) => !claimApplies(c, profile));
  if (others.length === 0) return null;
  const rows: Cell[][] = others.map((claim) => [
    claimLabel(claim),
    formatPublished(claim),
    (claim.profiles ?? []).join(', '),
  ]);
  return {
    id: 'not-covered',
    title: 'Claims not covered by this profile',
    text: [
      `These claims are checked only under the profiles named beside them; profile ${profile} does not run the ` +
        'configuration they need (other moduli, more seeds or longer budgets), so this page does not judge them.',
    ],
    tables: [
      {
        id: 'claims-not-covered',
        caption: `Claims of \`claims.yaml\` not checked under profile ${profile}.`,
        columns: [{ header: 'claim' }, { header: 'published' }, { header: 'checked under' }],
        rows,
      },
    ],
  };
}

function formatPublished(claim: StudyClaim): string {
  const q = publishedQuantity(claim, claimFormat(claim, undefined));
  return 'text' in q ? q.text : formatEstimate(q);
}
