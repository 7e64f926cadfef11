/**
 * `verify --lock` compares with the committed lock, never with one a run since wrote. Finding: the shipped
 * workflow ran repro, then verify --lock, so a repro that wrote new hashes over the committed ones made
 * verify --lock compare the rebuild with itself ("4 identical to the lock"). Now, in a git checkout, the
 * evidence is grokpipe.lock as committed in HEAD, and the output says when the working file differs;
 * outside git, or with the lock never committed, it is the working file, and the output says that too.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, removeRepos, type Repo } from '../engine/helpers.ts';
import { builtRepo, readLockJson } from './lock-store-fixture.ts';

afterAll(() => removeRepos());

function git(repo: Repo, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=grokpipe test', '-c', 'user.email=test@grokpipe.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo.dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

function setLockedHash(repo: Repo, instance: string, file: string, sha: string): void {
  const lock = readLockJson(repo);
  lock.profiles.quick![instance]!.outputs[file] = sha;
  repo.write('grokpipe.lock', `${JSON.stringify(lock, null, 2)}\n`);
}

describe('verify --lock against the committed lock', () => {
  test('a working lock rewritten after a commit does not pass for the committed one: the rebuild is compared with HEAD', async () => {
    const repo = await builtRepo();
    git(repo, 'init', '-q');
    const real = readLockJson(repo).profiles.quick!['gen[k=1]']!.outputs['out.json']!;
    // the committed lock says something else than the stage gives (a tampered or nondeterministic entry) ...
    setLockedHash(repo, 'gen[k=1]', 'out.json', '0'.repeat(64));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'study');
    // ... and the working file was rewritten with what this machine produced
    setLockedHash(repo, 'gen[k=1]', 'out.json', real);
    const r = await cli(repo, 'verify', '--lock');
    expect(r.code).toBe(1);
    expect(r.out).toContain("note: grokpipe.lock differs from the one committed in HEAD: comparing with HEAD's");
    expect(r.out).toMatch(/^FAIL\s+gen\[k=1\].*1 output differs from the lock/m);
    expect(r.out).toContain(`out.json: lock 0000000000000000  rebuilt ${real.slice(0, 16)}`);
    const json = JSON.parse((await cli(repo, 'verify', '--lock', '--json')).out);
    expect(json.against).toEqual({ source: 'HEAD', note: expect.stringContaining('differs from the one committed in HEAD') });
  });

  test('with the working file equal to HEAD there is no note, and a deterministic rebuild passes', async () => {
    const repo = await builtRepo();
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'study');
    const r = await cli(repo, 'verify', '--lock');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).not.toContain('note:');
    expect(r.out).toContain('3 identical to the lock');
  });

  test('a lock never committed, or no git at all: the working file, and the output says so', async () => {
    const repo = await builtRepo();
    let r = await cli(repo, 'verify', '--lock');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('note: not a git checkout: comparing with grokpipe.lock as it is in the folder');
    git(repo, 'init', '-q');
    r = await cli(repo, 'verify', '--lock');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('note: grokpipe.lock is not committed (HEAD has none): comparing with the working file');
  });

  test('a checkout git refuses to read is named as such, with what git said, not as "not a git checkout"', async () => {
    const repo = await builtRepo();
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'study');
    // A config git cannot parse stands for any refusal (another user's folder: "dubious ownership").
    repo.write('.git/config', '[core\n');
    const r = await cli(repo, 'verify', '--lock');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/note: git cannot read this checkout \(fatal: bad config line 1 in file \.git\/config\): comparing with grokpipe\.lock as it is in the folder/);
  });
});
