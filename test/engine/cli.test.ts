/**
 * The CLI verbs around repro: location-independent keys, --keep-going, failures with exit code 1 from
 * the real binary, cmd stages with quoted values, declared outputs and file subsets, dag formats,
 * show, and gc.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ObjectStore } from '../../src/engine/store/object-store.ts';
import { formatDuration } from '../../src/engine/ui/progress.ts';
import { sha256 } from '../../src/engine/sha256.ts';
import { cli, cliProcess, jsonStage, makeRepo, ranIn, removeRepos, restoredIn } from './helpers.ts';

afterAll(removeRepos);

const FAILING = `export default {
  params: { type: 'object' },
  async run() { throw new Error('the data file is empty: expected rows, found none'); },
};
`;

describe('repro', () => {
  test('keys do not depend on where the repository is: two checkouts write identical lock files', async () => {
    const files = { 'pipeline.yaml': 'version: 1\nstages:\n  a:\n    uses: stages/a.ts\n    params: { x: 1 }\n  b:\n    uses: stages/a.ts\n    deps: { up: a }\n', 'stages/a.ts': jsonStage() };
    const one = makeRepo(files);
    const two = makeRepo(files);
    expect((await cli(one, 'repro')).code).toBe(0);
    expect((await cli(two, 'repro')).code).toBe(0);
    expect(one.read('grokpipe.lock')).toBe(two.read('grokpipe.lock'));
    const manifest = one.read('artifacts/b/manifest.json');
    expect(manifest).not.toContain(one.dir);
    expect(JSON.parse(manifest).components.inputs).toEqual({ 'up/a/out.json': sha256(one.read('artifacts/a/out.json')) });
  });

  test('--keep-going runs everything independent of a failure; the real binary exits with 1', async () => {
    const repo = makeRepo({
      'pipeline.yaml': 'version: 1\nstages:\n  bad:\n    uses: stages/bad.ts\n  after_bad:\n    uses: stages/ok.ts\n    deps: { b: bad }\n  fine:\n    uses: stages/ok.ts\n    params: { n: 1 }\n',
      'stages/bad.ts': FAILING,
      'stages/ok.ts': jsonStage(),
    });
    const r = cliProcess(repo, 'repro', '--keep-going', '-j', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ FAILED\s+bad: stage threw: the data file is empty: expected rows, found none/);
    expect(r.err).toMatch(/- skipped\s+after_bad: upstream bad did not succeed/);
    expect(ranIn(r.err)).toEqual(['fine']);
    expect(r.err).toMatch(/ran 1, restored 0, up to date 0, failed 1, skipped 1/);
    const lock = JSON.parse(repo.read('grokpipe.lock'));
    expect(Object.keys(lock.profiles.default)).toEqual(['fine']);
  });

  test('cmd stages quote every interpolated value', async () => {
    const msg = `two words; echo pwned > pwned.txt $(touch also) "quoted" 'single'`;
    const repo = makeRepo({
      'pipeline.yaml': `version: 1
stages:
  write:
    cmd: ["sh", "-c", 'printf %s "$1" > "$2/msg.txt"', "sh", "\${params.msg}", "\${out}"]
    params: { msg: ${JSON.stringify(msg)} }
    outputs: [msg.txt]
  copy:
    cmd: ["cp", "\${deps.w}/msg.txt", "\${out}/copy.txt"]
    deps: { w: write }
`,
    });
    const r = await cli(repo, 'repro');
    expect(r.err).not.toMatch(/^(warning|error)\b/m); // progress is on stderr; nothing else is
    expect(r.code).toBe(0);
    expect(repo.read('artifacts/write/msg.txt')).toBe(msg);
    expect(repo.read('artifacts/copy/copy.txt')).toBe(msg);
    expect(repo.exists('pwned.txt')).toBe(false);
    expect(repo.exists('also')).toBe(false);
  });

  test('a missing declared output and an undeclared input file fail the instance with a clear reason', async () => {
    const repo = makeRepo({
      'pipeline.yaml': `version: 1
stages:
  two:
    uses: stages/two.ts
  promised:
    uses: stages/two.ts
    outputs: [three.json]
  reader:
    uses: stages/reader.ts
    deps: { t: { from: two, files: [one.json] } }
`,
      'stages/two.ts': `import { writeFile } from 'node:fs/promises';\nimport { join } from 'node:path';\nexport default { params: { type: 'object' }, async run(ctx: any) { await writeFile(join(ctx.outDir, 'one.json'), '1'); await writeFile(join(ctx.outDir, 'two.json'), '2'); } };\n`,
      'stages/reader.ts': `export default { params: { type: 'object' }, async run(ctx: any) { await ctx.inputs.t.text('two.json'); } };\n`,
    });
    const r = await cli(repo, 'repro', '--keep-going');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/FAILED\s+promised: the stage did not write its declared output three\.json/);
    expect(r.err).toMatch(/FAILED\s+reader: stage threw: stage read `two\.json` from two, which its dependency does not declare: expected one of one\.json/);
    // The declared subset is all that enters reader's key.
    repo.write('stages/reader.ts', `import { writeFile } from 'node:fs/promises';\nimport { join } from 'node:path';\nexport default { params: { type: 'object' }, async run(ctx: any) { await writeFile(join(ctx.outDir, 'r.json'), await ctx.inputs.t.text('one.json')); } };\n`);
    const again = await cli(repo, 'repro', 'reader');
    expect(again.code).toBe(0);
    expect(Object.keys(JSON.parse(repo.read('artifacts/reader/manifest.json')).components.inputs)).toEqual(['t/two/one.json']);
  });
});

describe('dag, show, times, gc', () => {
  const PIPE = (x: number) => `version: 1
stages:
  data:
    uses: stages/s.ts
    matrix: { p: [3, 5] }
    params: { p: \${matrix.p}, x: ${x} }
  report:
    uses: stages/s.ts
    deps: { all: data }
`;

  test('dag prints text, Mermaid and DOT with the same edges', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPE(1), 'stages/s.ts': jsonStage() });
    const text = await cli(repo, 'dag');
    expect(text.out).toContain('report (1 instance, stages/s.ts)\n    <- data');
    const mermaid = await cli(repo, 'dag', '--mermaid');
    expect(mermaid.out.split('\n')[0]).toBe('graph TD');
    expect(mermaid.out).toContain('n0 --> n1');
    const dot = await cli(repo, 'dag', '--dot', '--instances');
    expect(dot.out).toContain('"data[p=3]" -> "report";');
    expect(dot.out).toContain('"data[p=5]" -> "report";');
  });

  test('times: per stage, instances ran and restored, run time summed and the longest, from the manifests', async () => {
    const repo = makeRepo({ 'pipeline.yaml': `${PIPE(1)}  again:\n    uses: stages/s.ts\n    params: { p: 3, x: 1 }\n`, 'stages/s.ts': jsonStage() });
    const before = await cli(repo, 'times');
    expect(before.out).toMatch(/^data\s+0\s+0\s+2\s/m);
    expect((await cli(repo, 'repro', '-j', '1')).code).toBe(0);
    const times = await cli(repo, 'times');
    expect(times.code).toBe(0);
    const ms = (name: string) => JSON.parse(repo.read(`artifacts/${name}/manifest.json`)).durationMs as number;
    const [a, b] = [ms('data[p=3]'), ms('data[p=5]')];
    const longest = a >= b ? `data[p=3] ${formatDuration(a)}` : `data[p=5] ${formatDuration(b)}`;
    expect(times.out).toMatch(new RegExp(`^data\\s+2\\s+0\\s+0\\s+${formatDuration(a + b)}\\s+${longest.replace(/[[\]]/g, '\\$&')}$`, 'm'));
    // `again` has data[p=3]'s key: restored from the store, no run time of its own
    expect(times.out).toMatch(/^again\s+0\s+1\s+0\s+0ms\s+-$/m);
    expect(times.out).toMatch(/^all\s+3\s+1\s+0\s/m);
  });

  test('show prints the key, outputs and provenance; gc removes only what nothing references', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPE(1), 'stages/s.ts': jsonStage() });
    expect((await cli(repo, 'repro')).code).toBe(0);
    const lock = JSON.parse(repo.read('grokpipe.lock'));
    const show = await cli(repo, 'show', 'data[p=3]');
    expect(show.code).toBe(0);
    expect(show.out).toContain(`key        ${lock.profiles.default['data[p=3]'].key}`);
    expect(show.out).toContain(`out.json  ${sha256(repo.read('artifacts/data[p=3]/out.json'))}`);
    expect(show.out).toMatch(/code\n\s+stages\/s\.ts  [0-9a-f]{16}/);
    const showReport = await cli(repo, 'show', 'report');
    expect(showReport.out).toMatch(/all: data \(fan-in of 2\)/);

    const oldObject = sha256(repo.read('artifacts/data[p=3]/out.json'));
    repo.write('pipeline.yaml', PIPE(2));
    expect((await cli(repo, 'repro')).code).toBe(0);
    const store = new ObjectStore(repo.dir);
    expect(store.hasObject(oldObject)).toBe(true);
    const dry = await cli(repo, 'gc', '--dry-run');
    expect(dry.out).toContain(`would remove object ${oldObject}`);
    expect(store.hasObject(oldObject)).toBe(true);
    const bundles = readdirSync(join(repo.dir, '.grokpipe/cache/modules')).filter((f) => f.endsWith('.mjs'));
    expect(bundles.length).toBeGreaterThan(0);
    const gc = await cli(repo, 'gc');
    expect(gc.code).toBe(0);
    expect(gc.out).toMatch(/removed 3 objects .* and 3 run records/);
    expect(gc.out).toContain(`removed ${bundles.length} stage module bundle${bundles.length === 1 ? '' : 's'} (`);
    expect(readdirSync(join(repo.dir, '.grokpipe/cache/modules'))).toEqual([]);
    expect(store.hasObject(oldObject)).toBe(false);
    for (const sha of Object.values(JSON.parse(repo.read('grokpipe.lock')).profiles.default).flatMap((e: any) => Object.values(e.outputs) as string[])) {
      expect(sha256(readFileSync(store.objectPath(sha)))).toBe(sha);
    }
    // With the old outputs gone, going back to x=1 has to run again.
    repo.write('pipeline.yaml', PIPE(1));
    const back = await cli(repo, 'repro');
    expect(ranIn(back.err)).toEqual(['data[p=3]', 'data[p=5]', 'report']);
    expect(restoredIn(back.err)).toEqual([]);
  });
});
