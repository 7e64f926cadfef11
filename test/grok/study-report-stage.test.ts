/**
 * stages/report.ts end to end on files: the analysis artifacts and claims.yaml written to upstream folders,
 * read through InputRef-like objects as the engine hands them over, and the report written to outDir.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { InputRef, StageContext } from '../../src/engine/stage.ts';
import { canonicalJson } from '../../src/core/canonical-json.ts';
import type { StudyArtifact } from '../../src/grok/report/study/index.ts';
import reportStage from '../../stages/report.ts';
import { wellFormednessProblems } from './report-xml.ts';
import { buildStudyInput, QUICK_OPTIONS, sampleClaims } from './study-report-fixture.ts';

let root: string;

/** An upstream instance folder holding `files`, and the InputRef the engine would pass for it. */
async function upstream(instance: string, files: Record<string, string>): Promise<InputRef> {
  const dir = join(root, 'up', instance.replace(/[^A-Za-z0-9=,._-]/g, '_'));
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  const names = Object.keys(files).sort();
  const path = (file: string) => {
    if (!names.includes(file)) throw new Error(`${instance}: ${file} is not among the declared files [${names.join(', ')}]`);
    return join(dir, file);
  };
  return {
    instance,
    stage: instance.replace(/\[.*$/, ''),
    dir,
    files: names,
    matrix: {},
    params: {},
    path,
    read: (file) => readFile(path(file)),
    text: (file) => readFile(path(file), 'utf8'),
    json: async <T>(file: string) => JSON.parse(await readFile(path(file), 'utf8')) as T,
  };
}

const refsOf = (artifacts: ReadonlyArray<StudyArtifact>) =>
  Promise.all(artifacts.map((a) => upstream(a.instance, { [a.file]: canonicalJson(a.data, { nonFinite: 'null' }) + '\n' })));

async function runStage(inputs: Record<string, InputRef | InputRef[]>, outDir: string, logs: string[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const ctx = {
    instance: 'report',
    stage: 'report',
    params: { profile: 'quick', generator: 'grokpipe test' },
    matrix: {},
    inputs,
    outDir,
    log: (m: string) => logs.push(m),
    progress: () => undefined,
    signal: new AbortController().signal,
  } as unknown as StageContext<{ profile: string; generator: string }>;
  await reportStage.run(ctx);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'grokpipe-study-report-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the report stage', () => {
  it('reads every dependency and claims.yaml, and writes index.html, report.md and one SVG per figure', async () => {
    const input = buildStudyInput(QUICK_OPTIONS, sampleClaims(), 'quick');
    const tfree = input.free.filter((f) => f.instance === 'tfree');
    const inputs: Record<string, InputRef | InputRef[]> = {
      mediation: await refsOf(input.mediation),
      dissociation: await refsOf(input.dissociation),
      grid: await refsOf(input.grid),
      memorization: await refsOf(input.memorization),
      dose: await refsOf(input.dose),
      forks: await refsOf(input.forks),
      audit: (await refsOf([input.audit!]))[0],
      transformer: (await refsOf([input.transformer!]))[0],
      free: await refsOf(input.free.filter((f) => f.instance !== 'tfree')),
      tfree: (await refsOf(tfree))[0],
      layers: await refsOf(input.layers ?? []),
      claims: await upstream('claims', {
        'claims.yaml': stringify({ claims: sampleClaims() }),
        'published-tables.yaml': readFileSync(new URL('../../published-tables.yaml', import.meta.url), 'utf8'),
      }),
    };
    const logs: string[] = [];
    const out = join(root, 'out');
    await runStage(inputs, out, logs);
    const figures = (await readdir(join(out, 'figures'))).sort();
    expect(figures).toEqual(
      [
        'collapse-grid-59.svg',
        'dose-response.svg',
        'forks-59.svg',
        'layer-allocation.svg',
        'mediation-curve-ce.svg',
        'mediation-curve-mse.svg',
        'memorization-split.svg',
        'precision-collapse.svg',
        'precision-tgrok.svg',
        'tau-sweep.svg',
        'transformer-held-norm.svg',
        'transformer-sweep.svg',
      ],
    );
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(wellFormednessProblems(html)).toEqual([]);
    // every claim of the profile is judged (all its instances are inputs)
    const applying = sampleClaims().filter((c) => !c.profiles || c.profiles.includes('quick'));
    expect(logs.join('\n')).toMatch(new RegExp(`claims: \\d+ PASS, \\d+ FAIL, 0 not judged`));
    const [pass, fail] = logs.join('\n').match(/claims: (\d+) PASS, (\d+) FAIL/)!.slice(1).map(Number);
    expect(pass + fail).toBe(applying.length);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('Headline claims');
    // the transformer's free control arrives through tfree and is a row of the free-controls table
    expect(html).toContain('<td class="nw">transformer</td>');
  });

  it('builds a page from empty fan-ins (a profile without those experiments)', async () => {
    const logs: string[] = [];
    const out = join(root, 'empty');
    await runStage({ claims: await upstream('claims-empty', { 'claims.yaml': 'claims: []\n' }) }, out, logs);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(wellFormednessProblems(html)).toEqual([]);
    expect(html).toContain('lists no claims');
    expect(logs.join('\n')).toContain('1 sections');
  });

  it('says how to wire claims.yaml when the claims dependency is missing', async () => {
    await expect(runStage({}, join(root, 'none'), [])).rejects.toThrow(/deps: \{ claims: \.\.\. \}/);
  });
});
