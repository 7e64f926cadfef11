/**
 * `files:` entries: folders, patterns, symlinks and special files. Findings: `files: [data]` was "found:
 * a folder" and `"data/*.txt"` "no such file"; a symlink pointing outside the repository or into
 * artifacts/ was accepted (code files doing so were refused); a FIFO or /dev/zero named there would hang
 * the engine reading it. Class: a folder or a pattern is every file under it or matching it, each hashed
 * by content in a stable order (as DVC keys a folder dependency); every file is checked by its real path
 * (inside the repository, not under artifacts/ or .grokpipe/) and must be a regular file, refused at its
 * `files:` entry before anything reads it, by repro -n too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos, snapshot, type Repo } from '../engine/helpers.ts';

afterAll(removeRepos);

const READER = `import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'files.json'), JSON.stringify(ctx.files)); },
};
`;

function repoWith(files: string[], extra: Record<string, string> = {}): Repo {
  return makeRepo({
    'pipeline.yaml': `version: 1\nstages:\n  read:\n    uses: stages/read.ts\n    files: ${JSON.stringify(files)}\n`,
    'stages/read.ts': READER,
    'data/a.txt': 'a\n',
    'data/b.txt': 'b\n',
    'data/sub/c.csv': 'c\n',
    ...extra,
  });
}

describe('files: a folder or a pattern', () => {
  test('a folder is every file under it, by path, sorted; an edit, an addition or a removal there reruns', async () => {
    const repo = repoWith(['data']);
    const r = await cli(repo, 'repro');
    expect(r.code, r.err + r.out).toBe(0);
    const m = JSON.parse(repo.read('artifacts/read/manifest.json'));
    expect(Object.keys(m.components.files)).toEqual(['data/a.txt', 'data/b.txt', 'data/sub/c.csv']);
    expect(JSON.parse(repo.read('artifacts/read/files.json'))).toEqual([join(repo.dir, 'data')]);
    repo.write('data/sub/c.csv', 'c2\n');
    expect((await cli(repo, 'status', '--why')).out).toMatch(/files\s+data\/sub\/c\.csv/);
    expect((await cli(repo, 'repro')).code).toBe(0);
    repo.write('data/sub/d.csv', 'd\n');
    expect((await cli(repo, 'status', '--why')).out).toMatch(/files\s+data\/sub\/d\.csv/);
  });

  test('a pattern is the files it matches (* within a folder, ** across folders); the stage gets them in ctx.files', async () => {
    const repo = repoWith(['data/*.txt', 'data/**/*.csv']);
    const r = await cli(repo, 'repro');
    expect(r.code, r.err + r.out).toBe(0);
    const m = JSON.parse(repo.read('artifacts/read/manifest.json'));
    expect(Object.keys(m.components.files)).toEqual(['data/a.txt', 'data/b.txt', 'data/sub/c.csv']);
    expect(JSON.parse(repo.read('artifacts/read/files.json'))).toEqual(['data/a.txt', 'data/b.txt', 'data/sub/c.csv'].map((f) => join(repo.dir, f)));
  });

  test('a single file keeps the key it had: the component is the same path -> sha256 map', async () => {
    const repo = repoWith(['data/a.txt']);
    expect((await cli(repo, 'repro')).code).toBe(0);
    const m = JSON.parse(repo.read('artifacts/read/manifest.json'));
    expect(m.components.files).toEqual({ 'data/a.txt': createHash('sha256').update('a\n').digest('hex') });
  });

  test('a pattern matching nothing and an empty folder are refused at their entry', async () => {
    for (const [entry, found] of [['data/*.json', 'no match'], ['empty', 'an empty folder']] as const) {
      const repo = repoWith([entry]);
      mkdirSync(join(repo.dir, 'empty'));
      const r = await cli(repo, 'repro', '-n');
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain(`input \`${entry}\` of \`read\` names no file`);
      expect(r.err).toContain(`found: ${found}`);
      expect(r.err).toContain('--> pipeline.yaml:5:');
    }
  });
});

describe('files: symlinks and special files', () => {
  const cases: Array<[string, (repo: Repo) => string, RegExp]> = [
    ['a symlink to a file outside the repository', (repo) => (symlinkSync('/etc/hostname', join(repo.dir, 'host.txt')), 'host.txt'), /host\.txt links to \/etc\/hostname, outside the repository/],
    ['a symlink into artifacts/', (repo) => (mkdirSync(join(repo.dir, 'artifacts/x'), { recursive: true }), repo.write('artifacts/x/o.txt', 'o'), symlinkSync('artifacts/x/o.txt', join(repo.dir, 'o.txt')), 'o.txt'), /o\.txt links to artifacts\/x\/o\.txt, in the engine's folder artifacts/],
    ['a symlink in a data folder leading out', (repo) => (symlinkSync('/etc', join(repo.dir, 'data/etc')), 'data'), /data\/etc links to \/etc, outside the repository/],
    ['a symlink to /dev/zero', (repo) => (symlinkSync('/dev/zero', join(repo.dir, 'zero')), 'zero'), /zero links to \/dev\/zero, outside the repository/],
    ['a FIFO', (repo) => (execFileSync('mkfifo', [join(repo.dir, 'pipe')]), 'pipe'), /pipe is a named pipe \(FIFO\)/],
    ['a FIFO in a data folder', (repo) => (execFileSync('mkfifo', [join(repo.dir, 'data/pipe')]), 'data'), /data\/pipe is a named pipe \(FIFO\)/],
  ];
  test.each(cases)('%s is refused at its entry, exit 2, at once, nothing written', async (_what, make, message) => {
    const repo = repoWith([]);
    const entry = make(repo);
    repo.write('pipeline.yaml', `version: 1\nstages:\n  read:\n    uses: stages/read.ts\n    files: [${JSON.stringify(entry)}]\n`);
    const before = snapshot(repo);
    for (const verb of [['repro', '-n'], ['repro'], ['status']]) {
      const started = Date.now();
      const r = await cli(repo, ...verb);
      expect(r.code, r.err + r.out).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toContain('--> pipeline.yaml:5:13');
      expect(Date.now() - started).toBeLessThan(5000);
    }
    expect(snapshot(repo)).toEqual(before);
  });

  test('a socket is refused too', async () => {
    const repo = repoWith([]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(repo.dir, 'sock'), resolve));
    try {
      repo.write('pipeline.yaml', 'version: 1\nstages:\n  read:\n    uses: stages/read.ts\n    files: [sock]\n');
      const r = await cli(repo, 'repro', '-n');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/sock is a socket/);
    } finally {
      server.close();
    }
  });

  test('a FIFO or a folder named as code: is refused, not read', async () => {
    const repo = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  c:\n    cmd: [sh, run.sh]\n    code: [run.sh]\n' });
    execFileSync('mkfifo', [join(repo.dir, 'run.sh')]);
    const r = spawnSync(process.execPath, [join(__dirname, '../../bin/grokpipe.js'), 'repro', '-n'], { cwd: repo.dir, encoding: 'utf8', timeout: 20000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/missing code file `run\.sh`[\s\S]*found: a named pipe \(FIFO\)/);
  });
});
