/**
 * Faults lose nothing: a stage killed with SIGKILL mid-run leaves the previous artifacts, lock and
 * store intact and reruns next time; a killed grokpipe leaves a stale run lock that the next run takes
 * over; a store object whose bytes were altered is detected on restore and rebuilt; a second repro in
 * the same repository refuses with the pid of the first, or waits with --wait.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ObjectStore } from '../../src/engine/store/object-store.ts';
import { sha256 } from '../../src/engine/sha256.ts';
import { cli, gone, makeRepo, ranIn, removeRepos, restoredIn, snapshot, spawnCli, waitFor, type Repo } from './helpers.ts';

const PIPELINE = (v: number) => `version: 1
stages:
  slow:
    uses: stages/slow.ts
    params: { v: ${v} }
  after:
    uses: stages/after.ts
    deps: { s: slow }
`;

/**
 * Writes part of its output, then, while the file "hang" exists in the repository, writes its pid to
 * "pid" and waits: the test kills it there. (Both files live outside the key on purpose.)
 */
const SLOW = `import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
export default {
  params: { type: 'object', properties: { v: { type: 'number' } } },
  async run(ctx: any) {
    await writeFile(join(ctx.outDir, 'part-1.json'), JSON.stringify({ v: ctx.params.v }));
    if (existsSync('hang')) {
      await writeFile('pid', String(process.pid));
      while (existsSync('hang') && !ctx.signal.aborted) await new Promise((r) => setTimeout(r, 50));
      if (ctx.signal.aborted) throw new Error('interrupted');
    }
    await writeFile(join(ctx.outDir, 'part-2.json'), JSON.stringify({ v: ctx.params.v, done: true }));
  },
};
`;
const AFTER = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'after.json'), await ctx.inputs.s.text('part-2.json')); },
};
`;

let repo: Repo;

function readPid(): number {
  return Number(readFileSync(join(repo.dir, 'pid'), 'utf8'));
}

beforeAll(async () => {
  repo = makeRepo({ 'pipeline.yaml': PIPELINE(1), 'stages/slow.ts': SLOW, 'stages/after.ts': AFTER });
  const r = await cli(repo, 'repro');
  expect(r.code).toBe(0);
  expect(ranIn(r.err)).toEqual(['after', 'slow']);
});

afterAll(removeRepos);

describe('faults', () => {
  test('a stage killed with SIGKILL mid-run fails alone, leaves everything intact, and reruns next time', async () => {
    const before = snapshot(repo);
    repo.write('pipeline.yaml', PIPELINE(2));
    repo.write('hang', '');
    rmSync(join(repo.dir, 'pid'), { force: true });
    const running = cli(repo, 'repro');
    await waitFor(() => existsSync(join(repo.dir, 'pid')), 'the stage to start');
    process.kill(readPid(), 'SIGKILL');
    const r = await running;
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ FAILED\s+slow: stage process was killed by SIGKILL/);
    expect(r.err).toMatch(/skipped\s+after: upstream slow did not succeed/);
    // Old outputs, lock and store are exactly as they were; no partial output leaked anywhere.
    expect(snapshot(repo)).toEqual(before);
    expect(existsSync(join(repo.dir, '.grokpipe', 'run.lock'))).toBe(false);

    rmSync(join(repo.dir, 'hang'));
    const again = await cli(repo, 'repro');
    expect(again.code).toBe(0);
    expect(ranIn(again.err)).toEqual(['after', 'slow']);
    expect(JSON.parse(repo.read('artifacts/slow/part-2.json'))).toEqual({ v: 2, done: true });
  });

  test('a killed grokpipe leaves a stale run lock that the next repro takes over', async () => {
    repo.write('pipeline.yaml', PIPELINE(3));
    repo.write('hang', '');
    rmSync(join(repo.dir, 'pid'), { force: true });
    const before = snapshot(repo);
    const child = spawnCli(repo, 'repro');
    await waitFor(() => existsSync(join(repo.dir, 'pid')), 'the stage to start');
    const stagePid = readPid();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    // The stage process notices that its engine is gone and stops rather than running on as an orphan.
    await waitFor(() => gone(stagePid), 'the orphaned stage process to exit', 10000);
    expect(existsSync(join(repo.dir, '.grokpipe', 'run.lock'))).toBe(true);
    expect(snapshot(repo)).toEqual(before);

    rmSync(join(repo.dir, 'hang'));
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(0);
    expect(ranIn(r.err)).toEqual(['after', 'slow']);
  });

  test('Ctrl-C stops the running stage, keeps the old outputs, releases the run lock, exits 130', async () => {
    repo.write('pipeline.yaml', PIPELINE(5));
    repo.write('hang', '');
    rmSync(join(repo.dir, 'pid'), { force: true });
    const before = snapshot(repo);
    const child = spawnCli(repo, 'repro');
    let out = '';
    child.stderr!.on('data', (c) => (out += c));
    const exited = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)));
    await waitFor(() => existsSync(join(repo.dir, 'pid')), 'the stage to start');
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    // A stage the user stopped did not fail: it is reported as interrupted.
    expect(out).toMatch(/■ interrupted slow in [^:]+: stopped by Ctrl-C or SIGTERM; nothing was stored/);
    expect(out).not.toContain('FAILED');
    expect(snapshot(repo)).toEqual(before);
    expect(existsSync(join(repo.dir, '.grokpipe', 'run.lock'))).toBe(false);
    rmSync(join(repo.dir, 'hang'));
    repo.write('pipeline.yaml', PIPELINE(3));
    expect((await cli(repo, 'repro')).code).toBe(0);
  });

  test('a hand-edited artifact is noticed and restored from the store', async () => {
    const good = repo.read('artifacts/slow/part-2.json');
    repo.write('artifacts/slow/part-2.json', good.replace('true', 'false'));
    const st = await cli(repo, 'status');
    expect(st.out).toMatch(/^restorable\s+slow: its folder was modified or is incomplete; the store has its outputs/m);
    const r = await cli(repo, 'repro');
    expect(restoredIn(r.err)).toEqual(['slow']);
    expect(ranIn(r.err)).toEqual([]);
    expect(repo.read('artifacts/slow/part-2.json')).toBe(good);
  });

  test('a store object whose bytes were altered is detected on restore and rebuilt', async () => {
    // v3 is built; v2 outputs sit in the store only. Corrupt one of them, then go back to v2.
    const store = new ObjectStore(repo.dir);
    const v2part2 = JSON.stringify({ v: 2, done: true });
    const sha = sha256(v2part2);
    expect(store.hasObject(sha)).toBe(true);
    writeFileSync(store.objectPath(sha), JSON.stringify({ v: 2, done: false }));
    const found = sha256(JSON.stringify({ v: 2, done: false }));

    repo.write('pipeline.yaml', PIPELINE(2));
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(0);
    expect(r.err).toContain(`is corrupt: expected sha256 ${sha}, found ${found}; rebuilding`);
    expect(ranIn(r.err)).toContain('slow');
    expect(restoredIn(r.err)).not.toContain('slow');
    expect(repo.read('artifacts/slow/part-2.json')).toBe(v2part2);
    // The rebuilt object is back under its name with the right bytes.
    expect(sha256(readFileSync(store.objectPath(sha)))).toBe(sha);
  });

  test('a second repro in the same repository refuses with the pid of the first, or waits with --wait', async () => {
    repo.write('pipeline.yaml', PIPELINE(4));
    repo.write('hang', '');
    rmSync(join(repo.dir, 'pid'), { force: true });
    const first = spawnCli(repo, 'repro');
    let firstOut = '';
    first.stderr!.on('data', (c) => (firstOut += c));
    const firstExit = new Promise<number>((r) => first.once('exit', (code) => r(code ?? -1)));
    await waitFor(() => existsSync(join(repo.dir, 'pid')), 'the first repro to start its stage');

    const refused = await cli(repo, 'repro');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`another grokpipe is running in this repository (pid ${first.pid}`);
    expect(refused.err).toContain('--wait');

    const waiting = cli(repo, 'repro', '--wait');
    await sleep(300);
    rmSync(join(repo.dir, 'hang'));
    expect(await firstExit).toBe(0);
    expect(ranIn(firstOut)).toEqual(['after', 'slow']);
    const second = await waiting;
    expect(second.code).toBe(0);
    expect(second.err).toContain(`waiting for grokpipe pid ${first.pid} to finish`);
    expect(second.err).toMatch(/nothing to do: 2 instances up to date/);
  });
});

describe('code edited while an instance runs', () => {
  /** Appends to its own helper once, mid-run, when the file "edit-me" exists: a researcher saving a file. */
  const EDITING = `import { writeFile, appendFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { factor } from './lib.ts';
export default {
  params: { type: 'object' },
  async run(ctx: any) {
    if (existsSync('edit-me')) {
      await appendFile('stages/lib.ts', '// saved while the stage ran\\n');
      await rm('edit-me');
    }
    await writeFile(join(ctx.outDir, 'out.json'), JSON.stringify({ v: factor }));
  },
};
`;
  let edits: Repo;
  beforeAll(() => {
    edits = makeRepo({
      'pipeline.yaml': 'version: 1\nstages:\n  solo:\n    uses: stages/solo.ts\n',
      'stages/solo.ts': EDITING,
      'stages/lib.ts': 'export const factor = 3;\n',
      'edit-me': '',
    });
  });

  test('fails the instance instead of storing its outputs under the old key; the next repro runs it', async () => {
    const first = await cli(edits, 'repro');
    expect(first.code).toBe(1);
    expect(first.out + first.err).toContain('stages/lib.ts changed while solo ran');
    expect(existsSync(join(edits.dir, 'artifacts', 'solo'))).toBe(false);
    expect(existsSync(join(edits.dir, 'grokpipe.lock'))).toBe(false);
    const second = await cli(edits, 'repro');
    expect(second.code).toBe(0);
    expect(ranIn(second.err)).toEqual(['solo']);
    expect(JSON.parse(edits.read('artifacts/solo/out.json'))).toEqual({ v: 3 });
  });
});
