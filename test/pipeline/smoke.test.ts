/**
 * The repository's own pipeline.yaml, end to end on the smoke profile, through the real binary, in a
 * temporary copy of the repository (so the developer's artifacts, store and lock are never touched).
 * Smoke checks mechanics, not science: every stage runs, the report is written, a second run does nothing,
 * and changing one tau value reruns only what depends on it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.ts';
import type { SplitsFile } from '../../src/grok/data.ts';
import { type CellResult, runCell } from '../../src/grok/train/cell.ts';

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COPIED = ['package.json', 'pipeline.yaml', 'pipeline.schema.json', 'claims.yaml', 'published-tables.yaml', 'bin', 'stages', 'src', 'build'];
// build/ is copied, not linked: the code closure refuses a file whose real path leaves the repository.
const LINKED = ['node_modules'];

let dir: string;

function grokpipe(...args: string[]) {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'grokpipe.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Instance names with their planned action, from `repro --dry-run`. */
function dryRun(): Map<string, string> {
  const r = grokpipe('repro', '--profile', 'smoke', '--dry-run');
  expect(r.code, r.err).toBe(0);
  const plan = new Map<string, string>();
  for (const m of r.out.matchAll(/^(up to date|would restore|would run\??)\s+(\S+)/gm)) plan.set(m[2], m[1]);
  return plan;
}

// A sharded stage's phases (cell.run[...], cell.barrier[...]) belong to their stage.
const stageOf = (instance: string) => instance.replace(/\[.*$/, '').replace(/\.(run|barrier)$/, '');

let firstRun: ReturnType<typeof grokpipe>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'grokpipe-smoke-'));
  for (const f of COPIED) cpSync(join(PROJECT, f), join(dir, f), { recursive: true });
  for (const f of LINKED) symlinkSync(join(PROJECT, f), join(dir, f));
  // The copy runs compiled, as an installed grokpipe does: dist/ built now from the sources under test
  // (after they were copied, so bin/grokpipe.js finds it current). Through tsx, every stage process of
  // the 229 would also load tsx.
  execFileSync(process.execPath, [join(PROJECT, 'scripts', 'build-dist.mjs'), '--no-types', '--out', join(dir, 'dist')], { stdio: 'pipe' });
  firstRun = grokpipe('repro', '--profile', 'smoke', '-j', '2');
}, 1_200_000); // every seed its own instance (229 here): allow for a shared, loaded machine

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the smoke profile of pipeline.yaml', () => {
  test('every stage runs end to end and the lock records every instance', () => {
    expect(firstRun.code, firstRun.out + firstRun.err).toBe(0);
    const plan = dryRun();
    const stages = Object.keys(parse(readFileSync(join(dir, 'pipeline.yaml'), 'utf8')).stages);
    // every stage of the file has at least one instance, and every instance is now up to date
    expect(new Set([...plan.keys()].map(stageOf))).toEqual(new Set(stages));
    expect([...plan.values()].every((v) => v === 'up to date')).toBe(true);
    const lock = JSON.parse(readFileSync(join(dir, 'grokpipe.lock'), 'utf8'));
    expect(Object.keys(lock.profiles.smoke).sort()).toEqual([...plan.keys()].sort());
    for (const name of plan.keys()) expect(existsSync(join(dir, 'artifacts', name, 'manifest.json')), name).toBe(true);
  });

  test('the report holds every experiment the profile ran, with its figures', () => {
    const report = join(dir, 'artifacts', 'report');
    const html = readFileSync(join(report, 'index.html'), 'utf8');
    const md = readFileSync(join(report, 'report.md'), 'utf8');
    const figures = readdirSync(join(report, 'figures'));
    expect(figures.length).toBeGreaterThan(5);
    for (const f of figures) {
      expect(md, `report.md links ${f}`).toContain(`figures/${f}`);
      const id = f.replace(/\.svg$/, '');
      expect(html, `index.html draws ${f}`).toContain(`id="fig-${id}"`);
    }
    // the free control's w_c in the report is the one its artifact holds
    const control = JSON.parse(readFileSync(join(dir, 'artifacts', 'free[loss=ce,p=23]', 'control.json'), 'utf8'));
    expect(control.wc).toBeGreaterThan(0);
    expect(md).toContain(control.wc.toFixed(1));
  });

  test.skipIf(!existsSync('/usr/bin/chromium'))('the report renders in headless Chromium with every table and figure (needs /usr/bin/chromium)', () => {
    const html = readFileSync(join(dir, 'artifacts', 'report', 'index.html'), 'utf8');
    const tables = (html.match(/<table[ >]/g) ?? []).length;
    const figures = readdirSync(join(dir, 'artifacts', 'report', 'figures')).length;
    const r = spawnSync(process.execPath, [join(PROJECT, 'scripts', 'check-report.mjs'), join(dir, 'artifacts', 'report', 'index.html'),
      '--expect-tables', String(tables), '--expect-figures', String(figures), '--screenshot', join(dir, 'report.png')], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
  });

  test('a second repro runs nothing and says so', () => {
    const r = grokpipe('repro', '--profile', 'smoke');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/nothing to do/);
  });

  test('verify: no claim applies to smoke; verify --lock rebuilds a sample to the locked bytes and fails on an altered artifact', () => {
    const claims = grokpipe('verify', '--profile', 'smoke');
    expect(claims.code, claims.out + claims.err).toBe(0);
    expect(claims.out).toMatch(/SKIP/);
    expect(claims.out).not.toMatch(/\bFAIL\b/);

    const clean = grokpipe('verify', '--lock', '--profile', 'smoke', '--sample', '3');
    expect(clean.code, clean.out + clean.err).toBe(0);
    expect(clean.out.match(/^PASS  /gm)).toHaveLength(3);

    const file = join(dir, 'artifacts', 'grid[p=23]', 'grid.json');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('{', '{"edited":true,'));
    try {
      const altered = grokpipe('verify', '--lock', '--profile', 'smoke', '--sample', '1');
      expect(altered.code).toBe(1);
      expect(altered.out).toMatch(/^FAIL  grid\[p=23\]: artifacts\/grid\[p=23\] differs from the lock/m);
    } finally {
      writeFileSync(file, good);
    }
  });

  test("the README's extension is in the pipeline as written, reaches the report, and verify takes its claim", () => {
    const readme = readFileSync(join(PROJECT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Add a stage'));
    const blocks = [...section.matchAll(/```(yaml|ts)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2] }));
    const yamlBlocks = blocks.filter((b) => b.lang === 'yaml');
    expect(yamlBlocks).toHaveLength(3);
    const dedent = (text: string) => {
      const lines = text.split('\n').filter((l) => l.trim());
      const indent = Math.min(...lines.map((l) => l.match(/^ */)![0].length));
      return lines.map((l) => l.slice(indent)).join('\n');
    };
    const pipeline = readFileSync(join(dir, 'pipeline.yaml'), 'utf8');
    const pipelineLines = pipeline.split('\n').map((l) => l.trimEnd());
    // the stage block and the report line appear in pipeline.yaml as the README shows them (indentation aside)
    for (const block of yamlBlocks.slice(0, 2)) {
      const want = dedent(block.body).split('\n');
      const at = pipelineLines.findIndex((l, i) => want.every((w, k) => pipelineLines[i + k]?.trim() === w.trim()));
      expect(at, `pipeline.yaml holds:\n${block.body}`).toBeGreaterThanOrEqual(0);
    }
    // the stage file holds the README's run() lines (the README elides some with ...)
    const stage = readFileSync(join(PROJECT, 'stages', 'saturation.ts'), 'utf8');
    for (const line of blocks.find((b) => b.lang === 'ts')!.body.split('\n').map((l) => l.trim()).filter((l) => l && l !== '...')) {
      expect(stage, line).toContain(line);
    }
    // it ran on smoke, and the report shows its artifact
    const saturation = JSON.parse(readFileSync(join(dir, 'artifacts', 'saturation[p=23]', 'saturation.json'), 'utf8'));
    expect(saturation.cells.length).toBe(2);
    const html = readFileSync(join(dir, 'artifacts', 'report', 'index.html'), 'utf8');
    expect(html).toContain('id="sec-further-stages"');
    expect(html).toContain('saturation[p=23] / saturation.json');
    // the README's claim, pointed at this profile, is checked by verify against the artifact's value
    const claimsFile = join(dir, 'claims.yaml');
    const original = readFileSync(claimsFile, 'utf8');
    const claim = dedent(yamlBlocks[2].body).replace('saturation[p=59]', 'saturation[p=23]').replace('[quick, paper]', '[smoke]');
    writeFileSync(claimsFile, original.trimEnd() + '\n' + claim.split('\n').map((l) => '  ' + l).join('\n') + '\n');
    try {
      const r = grokpipe('verify', '--profile', 'smoke');
      const row = r.out.split('\n').find((l) => l.includes('saturation_follows_L_p59'));
      expect(row, r.out + r.err).toBeDefined();
      const expected = saturation.slopePerUnitL >= 0 ? 'PASS' : 'FAIL';
      expect(row).toContain(expected);
      expect(r.code).toBe(expected === 'PASS' ? 0 : 1);
    } finally {
      writeFileSync(claimsFile, original);
    }
  });

  test('a cell assembled from its seed instances holds the numbers of the lockstep cell', async () => {
    const name = 'cell[loss=ce,p=23,rho=1.15,tau=1.5]';
    const assembled = JSON.parse(readFileSync(join(dir, 'artifacts', name, 'cell.json'), 'utf8')) as CellResult;
    const splits = JSON.parse(readFileSync(join(dir, 'artifacts', 'data[p=23]', 'splits.json'), 'utf8')) as SplitsFile;
    expect(assembled.seeds.map((s) => s.seed)).toEqual([0, 1]);
    const lockstep = await runCell(assembled.config, { splits });
    expect(canonicalJson(assembled)).toBe(canonicalJson(lockstep.result));
  });

  test('one more seed trains only that seed, its barrier, continuation where the stop moved, and the merge', () => {
    const target = 'free[loss=ce,p=23]';
    const stopFile = join(dir, 'artifacts', 'free.barrier[loss=ce,p=23]', 'stop.json');
    const stopBefore = readFileSync(stopFile, 'utf8');
    const planOf = (out: string) => {
      const plan = new Map<string, string>();
      for (const m of out.matchAll(/^(up to date|would restore|would run\??)\s+(\S+)/gm)) plan.set(m[2], m[1]);
      return plan;
    };
    // the cells' seed count is not the free controls': growing it leaves w_c, and so every cell, alone
    const cells = grokpipe('repro', '--profile', 'smoke', '--set', 'vars.seeds=3', '--dry-run', target);
    expect(cells.code, cells.err).toBe(0);
    expect([...planOf(cells.out)].filter(([, v]) => v !== 'up to date')).toEqual([]);
    const dry = grokpipe('repro', '--profile', 'smoke', '--set', 'vars.free_seeds=4', '--dry-run', target);
    expect(dry.code, dry.err).toBe(0);
    const plan = planOf(dry.out);
    expect([...plan].filter(([, v]) => v === 'would run').map(([k]) => k)).toEqual(['free.run[loss=ce,p=23,seed=3]']);
    for (const seed of [0, 1, 2]) expect(plan.get(`free.run[loss=ce,p=23,seed=${seed}]`)).toBe('up to date');
    const r = grokpipe('repro', '--profile', 'smoke', '--set', 'vars.free_seeds=4', target);
    expect(r.code, r.out + r.err).toBe(0);
    const ran = [...r.err.matchAll(/✓ ran\s+(\S+)/g)].map((m) => m[1]).sort();
    const moved = readFileSync(stopFile, 'utf8') !== stopBefore;
    const finishes = moved ? [0, 1, 2].map((seed) => `free[loss=ce,p=23,seed=${seed}]`) : [];
    expect(ran, r.out).toEqual(['free.barrier[loss=ce,p=23]', 'free.run[loss=ce,p=23,seed=3]', ...finishes, 'free[loss=ce,p=23,seed=3]', 'free[loss=ce,p=23]'].sort());
    // back to the profile's seeds: everything is restored from the store, nothing trains
    const back = grokpipe('repro', '--profile', 'smoke', target);
    expect(back.code, back.out + back.err).toBe(0);
    expect(back.err).not.toMatch(/✓ ran\s/);
    expect(back.err).toMatch(/✓ restored\s+free\[loss=ce,p=23\]/);
  });

  test('changing one tau value reruns only the cells at that tau, the analyses that read them, and the report', () => {
    const file = join(dir, 'pipeline.yaml');
    const original = readFileSync(file, 'utf8');
    const smokeTaus = /(\n {6}taus: )\[1\.0, 1\.5\]/;
    expect(original).toMatch(smokeTaus);
    writeFileSync(file, original.replace(smokeTaus, '$1[1.0, 1.6]'));
    try {
      const plan = dryRun();
      const toRun = [...plan].filter(([, v]) => v.startsWith('would run')).map(([k]) => k);
      const trainingStages = new Set(['data', 'tdata', 'free', 'tfree', 'cell', 'dose_cell', 'fork', 'fork_arm', 'audit_cell', 'tcell']);
      // every training instance that reruns is a new cell at tau 1.6; none of the others runs
      const trained = toRun.filter((n) => trainingStages.has(stageOf(n)));
      expect(trained.length).toBeGreaterThan(0);
      for (const n of trained) expect(n).toMatch(/tau=1\.6[,\]]/);
      const newCells = [...plan.keys()].filter((n) => /tau=1\.6[,\]]/.test(n));
      expect(trained.sort()).toEqual(newCells.sort());
      // downstream: the analyses whose fan-in holds those cells (the grid fans in every CE cell of its
      // modulus, so its input set changed too), and the report; not the dose response, forks, audit or
      // the transformer (whose sweep is tf_taus)
      const downstream = new Set(toRun.filter((n) => !trainingStages.has(stageOf(n))).map(stageOf));
      expect(downstream).toEqual(new Set(['mediation', 'dissociation', 'grid', 'memorization', 'saturation', 'report']));
    } finally {
      writeFileSync(file, original);
    }
  });
});
