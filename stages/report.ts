/**
 * The study's report (SPEC 5.10): every analysis artifact and claims.yaml in; index.html, report.md and
 * figures/*.svg out. Every dependency but `claims` is a fan-in that may be empty: an experiment the profile
 * does not run is left out of the page. A dependency of any other name (a stage added to the study) is read
 * whole: its JSON files go to the report as further artifacts, which its claims can name.
 */
import type { InputRef, StageDefinition } from '../src/engine/stage.ts';
import type { FreeControlResult } from '../src/grok/analysis/free-control.ts';
import { markOf, renderReport, writeReport } from '../src/grok/report/index.ts';
import { buildStudyReport, parseClaims, type StudyArtifact } from '../src/grok/report/study/index.ts';
import { PUBLISHED_TABLES_FILE, parsePublishedTables } from '../src/grok/report/study/published-tables.ts';
import { many, single } from './support/files.ts';

interface Params {
  profile: string;
  title?: string;
  generator: string;
}

/** The JSON each analysis dependency provides. */
const FILES = {
  mediation: 'mediation.json',
  dissociation: 'dissociation.json',
  grid: 'grid.json',
  memorization: 'memorization.json',
  dose: 'dose.json',
  forks: 'forks.json',
  audit: 'audit.json',
  floor: 'audit.json',
  transformer: 'transformer.json',
  free: 'control.json',
  tfree: 'control.json',
  layers: 'layers.json',
} as const;

type Dependency = keyof typeof FILES;

async function readAll<T>(inputs: Record<string, InputRef | InputRef[]>, dep: Dependency): Promise<Array<StudyArtifact<T>>> {
  const file = FILES[dep];
  const refs = many(inputs, dep);
  return Promise.all(refs.map(async (ref) => ({ instance: ref.instance, file, data: await ref.json<T>(file) })));
}

function claimsFileOf(ref: InputRef): string {
  if (ref.files.includes('claims.yaml')) return 'claims.yaml';
  const yamlFiles = ref.files.filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  if (yamlFiles.length === 1) return yamlFiles[0];
  throw new Error(
    `the report's 'claims' dependency (${ref.instance}) provides [${ref.files.join(', ')}]; expected claims.yaml. ` +
      'Wire it as `claims: { file: claims.yaml }` in pipeline.yaml',
  );
}

export default {
  description: 'the study report: published claims beside reproduced values, every experiment’s tables and figures',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['profile'],
    properties: {
      profile: { type: 'string', minLength: 1, description: 'the profile the artifacts come from, printed in the header; selects the claims' },
      title: { type: 'string', minLength: 1 },
      generator: { type: 'string', minLength: 1, default: 'grokpipe' },
    },
  },
  async run(ctx) {
    const claimsRef = single(ctx.inputs, 'claims');
    const claimsFile = claimsFileOf(claimsRef);
    const claims = parseClaims(await claimsRef.text(claimsFile), claimsFile);
    // The paper's per-cell tables travel with the claims (the `published` stage copies both).
    const publishedTables = claimsRef.files.includes(PUBLISHED_TABLES_FILE)
      ? parsePublishedTables(await claimsRef.text(PUBLISHED_TABLES_FILE), PUBLISHED_TABLES_FILE)
      : null;
    const one = <T>(list: Array<StudyArtifact<T>>, dep: string): StudyArtifact<T> | null => {
      if (list.length > 1) throw new Error(`${ctx.instance}: dependency '${dep}' selects ${list.length} instances; expected at most one`);
      return list[0] ?? null;
    };
    const extra: StudyArtifact[] = [];
    for (const dep of Object.keys(ctx.inputs).sort()) {
      if (dep === 'claims' || dep in FILES) continue;
      for (const ref of many(ctx.inputs, dep)) {
        for (const file of ref.files.filter((f) => f.endsWith('.json'))) extra.push({ instance: ref.instance, file, data: await ref.json(file) });
      }
    }
    const model = buildStudyReport({
      profile: ctx.params.profile,
      generator: ctx.params.generator,
      ...(ctx.params.title ? { title: ctx.params.title } : {}),
      claims,
      mediation: await readAll(ctx.inputs, 'mediation'),
      dissociation: await readAll(ctx.inputs, 'dissociation'),
      grid: await readAll(ctx.inputs, 'grid'),
      memorization: await readAll(ctx.inputs, 'memorization'),
      dose: await readAll(ctx.inputs, 'dose'),
      floor: await readAll(ctx.inputs, 'floor'),
      forks: await readAll(ctx.inputs, 'forks'),
      audit: one(await readAll(ctx.inputs, 'audit'), 'audit'),
      transformer: one(await readAll(ctx.inputs, 'transformer'), 'transformer'),
      free: [...(await readAll<FreeControlResult>(ctx.inputs, 'free')), ...(await readAll<FreeControlResult>(ctx.inputs, 'tfree'))],
      layers: await readAll(ctx.inputs, 'layers'),
      publishedTables,
      extra,
    });
    const files = renderReport(model);
    await writeReport(ctx.outDir, files);
    const tables = model.sections.flatMap((s) => s.tables ?? []);
    const marks = tables.flatMap((t) => t.rows.flat()).flatMap((c) => (c !== null && typeof c === 'object' && c.kind === 'comparison' ? [markOf(c)] : []));
    const count = (m: string) => marks.filter((x) => x === m).length;
    ctx.log(
      `${model.sections.length} sections, ${tables.length} tables, ${Object.keys(files).length - 2} figures; ` +
        `claims: ${count('PASS')} PASS, ${count('FAIL')} FAIL, ${count('—')} not judged`,
    );
  },
} satisfies StageDefinition<Params>;
