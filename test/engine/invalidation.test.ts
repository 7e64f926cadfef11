/**
 * End-to-end runs and precise invalidation: each edit reruns exactly the instances whose key it
 * changes (and dependents whose inputs change), a reverted param restores from the store, equal keys
 * run once, and `status --why` names the changed component with its old and new value.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256 } from '../../src/engine/sha256.ts';
import { cli, jsonStage, makeRepo, ranIn, removeRepos, restoredIn, type Repo } from './helpers.ts';

const PIPELINE = (opts: { ps?: string; alpha?: number; k2?: number } = {}) => `version: 1
vars:
  ps: ${opts.ps ?? '[3, 5]'}
  alpha: ${opts.alpha ?? 0.5}
stages:
  solo:
    uses: stages/solo.ts
    params: { k: 1 }
  after_solo:
    uses: stages/plain.ts
    deps:
      s: solo
  shared_user:
    uses: stages/shared_user.ts
    params: { k: ${opts.k2 ?? 2} }
  grid:
    uses: stages/plain.ts
    matrix: { p: \${vars.ps}, lr: [1.0] }
    params: { p: \${matrix.p}, lr: \${matrix.lr}, alpha: \${vars.alpha} }
  dup:
    uses: stages/plain.ts
    matrix: { x: [a, b] }
    params: { c: 1 }
`;

const ONLY_SOLO_V1 = "export const soloTag = 'v1';\n";
const ONLY_SOLO_V2 = "export const soloTag = 'v2';\n";
const SHARED_V1 = 'export function shared(x: unknown): string { return JSON.stringify(x); }\n';
const SHARED_V2 = '// a comment changes the bytes, not the result\nexport function shared(x: unknown): string { return JSON.stringify(x); }\n';

let repo: Repo;

beforeAll(() => {
  repo = makeRepo({
    'pipeline.yaml': PIPELINE(),
    'lib/only-solo.ts': ONLY_SOLO_V1,
    'lib/shared.ts': SHARED_V1,
    'lib/solo-helper.ts': "import { soloTag } from './only-solo.ts';\nimport { shared } from './shared.ts';\nexport const helper = (p: unknown) => soloTag + shared(p);\n",
    'stages/solo.ts': jsonStage({ helper: '../lib/solo-helper.ts' }),
    'stages/shared_user.ts': jsonStage({ extraImports: "import { shared } from '../lib/shared.ts';\nvoid shared;" }),
    'stages/plain.ts': jsonStage(),
  });
});

afterAll(removeRepos);

describe('repro end to end', () => {
  test('the first repro runs every instance; a second runs nothing and says so', async () => {
    const first = await cli(repo, 'repro', '-j', '2');
    expect(first.err).not.toMatch(/^(warning|error)\b/m); // progress is on stderr; nothing else is
    expect(first.code).toBe(0);
    // dup[x=a] and dup[x=b] have equal keys: one runs, the other is restored from its outputs.
    const ran = ranIn(first.err);
    // The first in plan order runs; the second waits for it and restores.
    expect(ran).toEqual(['after_solo', 'dup[x=a]', 'grid[p=3,lr=1]', 'grid[p=5,lr=1]', 'shared_user', 'solo']);
    expect(restoredIn(first.err)).toEqual(['dup[x=b]']);
    expect(repo.read('artifacts/dup[x=a]/out.json')).toBe(repo.read('artifacts/dup[x=b]/out.json'));
    const lock = JSON.parse(repo.read('grokpipe.lock'));
    expect(Object.keys(lock.profiles.default).sort()).toEqual(['after_solo', 'dup[x=a]', 'dup[x=b]', 'grid[p=3,lr=1]', 'grid[p=5,lr=1]', 'shared_user', 'solo']);

    const second = await cli(repo, 'repro');
    expect(second.code).toBe(0);
    expect(ranIn(second.err)).toEqual([]);
    expect(second.err).toMatch(/nothing to do: 7 instances up to date/);
  });

  test('editing a file only one stage imports reruns exactly that stage and its dependents', async () => {
    repo.write('lib/only-solo.ts', ONLY_SOLO_V2);
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(0);
    expect(ranIn(r.err)).toEqual(['after_solo', 'solo']);
    expect(JSON.parse(repo.read('artifacts/solo/out.json')).value).toMatch(/^v2/);
  });

  test('status --why names the changed file of the closure with old and new hashes', async () => {
    repo.write('lib/only-solo.ts', ONLY_SOLO_V1);
    const r = await cli(repo, 'status', '--why');
    expect(r.code).toBe(0);
    const line = r.out.split('\n').find((l) => l.includes('lib/only-solo.ts'));
    expect(line).toBeDefined();
    expect(line).toContain(`${sha256(ONLY_SOLO_V2).slice(0, 12)}  ->  ${sha256(ONLY_SOLO_V1).slice(0, 12)}`);
    expect(line).toMatch(/^\s+code\s/);
    // solo is restorable (v1 was built before), after_solo waits for it; nothing else is listed.
    expect(r.out).toMatch(/^restorable\s+solo/m);
    expect(r.out).not.toMatch(/^\S+\s+grid/m);
    const back = await cli(repo, 'repro');
    expect(ranIn(back.err)).toEqual([]);
    expect(restoredIn(back.err)).toEqual(['after_solo', 'solo']);
  });

  test('changing one param reruns only the instances that use it; status --why shows old and new', async () => {
    repo.write('pipeline.yaml', PIPELINE({ alpha: 0.75 }));
    const st = await cli(repo, 'status', '--why');
    expect(st.out).toMatch(/params\s+params\.alpha\s+0\.5\s+->\s+0\.75/);
    expect(st.out.match(/params\.alpha/g)?.length).toBe(2);
    const r = await cli(repo, 'repro');
    expect(ranIn(r.err)).toEqual(['grid[p=3,lr=1]', 'grid[p=5,lr=1]']);

    repo.write('pipeline.yaml', PIPELINE({ alpha: 0.75, k2: 4 }));
    const r2 = await cli(repo, 'repro');
    expect(ranIn(r2.err)).toEqual(['shared_user']);
  });

  test('returning a param to an earlier value restores the earlier result without running', async () => {
    const before = repo.read('artifacts/shared_user/out.json');
    repo.write('pipeline.yaml', PIPELINE({ alpha: 0.75, k2: 2 }));
    const r = await cli(repo, 'repro');
    expect(ranIn(r.err)).toEqual([]);
    expect(restoredIn(r.err)).toEqual(['shared_user']);
    const after = JSON.parse(repo.read('artifacts/shared_user/out.json'));
    expect(after.params.k).toBe(2);
    expect(repo.read('artifacts/shared_user/out.json')).not.toBe(before);
  });

  test('editing a shared helper reruns exactly the stages whose closure contains it', async () => {
    repo.write('lib/shared.ts', SHARED_V2);
    const st = await cli(repo, 'status');
    expect(st.out).toMatch(/^stale\s+shared_user/m);
    expect(st.out).toMatch(/^stale\s+solo/m);
    const r = await cli(repo, 'repro');
    // solo's output is unchanged by a comment, so after_solo's inputs are unchanged: it stays up to date.
    expect(ranIn(r.err)).toEqual(['shared_user', 'solo']);
    expect(restoredIn(r.err)).toEqual([]);
  });

  test('a matrix gaining a value runs only the new instance', async () => {
    repo.write('pipeline.yaml', PIPELINE({ alpha: 0.75, ps: '[3, 5, 7]' }));
    const r = await cli(repo, 'repro');
    expect(ranIn(r.err)).toEqual(['grid[p=7,lr=1]']);
    expect(repo.exists('artifacts/grid[p=7,lr=1]/manifest.json')).toBe(true);
  });

  test('a dry run says what would run and writes nothing', async () => {
    repo.write('pipeline.yaml', PIPELINE({ alpha: 0.9, ps: '[3, 5, 7]' }));
    const lockBefore = repo.read('grokpipe.lock');
    const r = await cli(repo, 'repro', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out.match(/^would run\s+grid/gm)?.length).toBe(3);
    expect(r.out).toMatch(/3 to run/);
    expect(repo.read('grokpipe.lock')).toBe(lockBefore);
    expect(JSON.parse(repo.read('artifacts/grid[p=3,lr=1]/out.json')).params.alpha).toBe(0.75);
  });
});
