/**
 * Per-instance repository files (`files:`, issue 14): a 100-instance `cmd:` matrix where each instance
 * reads its own `in/<i>.txt`. Editing one file makes exactly that instance stale (status --why names the
 * file with its old and new hash) and repro reruns it and its dependents only; rewriting a file with the
 * same bytes reruns nothing. A `cmd:` naming an undeclared repository file is refused at plan time, and
 * no message shows the parser's internal form of `${...}`.
 */
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256 } from '../../src/engine/sha256.ts';
import { cli, makeRepo, PROJECT, ranIn, removeRepos, snapshot, type Repo } from './helpers.ts';

const N = 100;
const text = (i: number, extra = '') => `${'word '.repeat(i % 7 + 1)}${i}\n${extra}`;

const PIPELINE = `version: 1
vars:
  n: [${Array.from({ length: N }, (_, i) => i).join(', ')}]
stages:
  count:
    description: one instance per input file, each reading only its own
    matrix: { i: \${vars.n} }
    cmd: ["sh", "count.sh", "in/\${matrix.i}.txt", "\${out}"]
    code: [count.sh]
    files: ["in/\${matrix.i}.txt"]
  total:
    cmd: ["sh", "-c", 'for d in "$@"; do cat "$d/words.txt"; done > "$0/total.txt"', "\${out}", "\${deps.count}"]
    deps: { count: "count[*]" }
  plain:
    cmd: ["sh", "-c", 'echo plain > "$0/plain.txt"', "\${out}"]
`;

let repo: Repo;

beforeAll(async () => {
  const files: Record<string, string> = { 'pipeline.yaml': PIPELINE, 'count.sh': 'wc -w < "$1" > "$2/words.txt"\n' };
  for (let i = 0; i < N; i++) files[`in/${i}.txt`] = text(i);
  repo = makeRepo(files);
  const r = await cli(repo, 'repro', '-j', '4');
  expect(r.code, r.out + r.err).toBe(0);
  expect(ranIn(r.err)).toHaveLength(N + 2);
}, 240_000);

afterAll(() => removeRepos());

describe('a 100-instance cmd matrix with one input file per instance', () => {
  test('each instance\'s file is in its key and its output', async () => {
    expect(repo.read('artifacts/count[i=12]/words.txt').trim()).toBe(String(12 % 7 + 2));
    const show = await cli(repo, 'show', 'count[i=12]');
    expect(show.out).toMatch(new RegExp(`files\\n\\s+in/12\\.txt  ${sha256(text(12)).slice(0, 16)}`));
    expect(show.out).not.toMatch(/[\u2983\u2984]/);
    expect(show.out).toContain('"${out}"');
  });

  test('editing one file makes exactly that instance stale; status --why names it with old and new hash', async () => {
    const before = snapshot(repo, ['artifacts']);
    repo.write('in/7.txt', text(7, 'two more\n'));
    const st = await cli(repo, 'status', '--why');
    expect(st.code).toBe(0);
    expect(st.out).toMatch(new RegExp(`: ${N} up to date, 1 stale, 1 waiting`));
    const stale = [...st.out.matchAll(/^stale\s+(\S+?):/gm)].map((m) => m[1]);
    expect(stale).toEqual(['count[i=7]']);
    expect(st.out).toContain(`files    in/7.txt  ${sha256(text(7)).slice(0, 12)}  ->  ${sha256(text(7, 'two more\n')).slice(0, 12)}`);
    expect(st.out).toMatch(/^waiting\s+total/m);

    const r = await cli(repo, 'repro', '-j', '4');
    expect(r.code, r.out + r.err).toBe(0);
    expect(ranIn(r.err)).toEqual(['count[i=7]', 'total']);
    expect(repo.read('artifacts/count[i=7]/words.txt').trim()).toBe(String(7 % 7 + 2 + 2));
    // Only the edited instance's folder and the fan-in changed.
    const after = snapshot(repo, ['artifacts']);
    const changed = Object.keys(after).filter((f) => after[f] !== before[f]).map((f) => f.split('/')[1]);
    expect([...new Set(changed)].sort()).toEqual(['count[i=7]', 'total']);
  });

  test('touching a file, or rewriting the same bytes, reruns nothing', async () => {
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(repo.dir, 'in/3.txt'), later, later);
    repo.write('in/4.txt', text(4));
    const st = await cli(repo, 'status');
    expect(st.out).toMatch(new RegExp(`: ${N + 2} up to date, 0 stale`));
    const r = await cli(repo, 'repro', '-j', '4');
    expect(r.code, r.out + r.err).toBe(0);
    expect(ranIn(r.err)).toEqual([]);
  });

  test('a stage without files: keeps a key without a files component (existing keys unchanged)', () => {
    const m = JSON.parse(repo.read('artifacts/plain/manifest.json')) as { components: Record<string, unknown> };
    expect(Object.keys(m.components)).not.toContain('files');
    const c = JSON.parse(repo.read('artifacts/count[i=0]/manifest.json')) as { components: { files: Record<string, string> } };
    expect(c.components.files).toEqual({ 'in/0.txt': sha256(text(0)) });
  });
});

describe('declaring files: mistakes are refused before anything runs', () => {
  const base = (stage: string) => `version: 1\nstages:\n  s:\n    matrix: { i: [1, 2] }\n${stage}`;
  const plan = async (yaml: string, extra: Record<string, string> = {}) => {
    const r = makeRepo({ 'pipeline.yaml': yaml, 'in/1.txt': 'a\n', 'in/2.txt': 'b\n', 'tool.sh': 'cat "$1"\n', ...extra });
    const before = snapshot(r, ['.grokpipe/store', 'artifacts']);
    const out = await cli(r, 'status');
    expect(snapshot(r, ['.grokpipe/store', 'artifacts'])).toEqual(before);
    expect(out.err + out.out).not.toMatch(/[\u2983\u2984]/);
    return out;
  };

  test('a cmd argument naming an undeclared repository file (the silent case of issue 14)', async () => {
    const r = await plan(base('    cmd: ["sh", "tool.sh", "in/${matrix.i}.txt", "${out}"]\n    code: [tool.sh]\n'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: the command of `s[i=1]` names repository file `in/1.txt`, which is not declared');
    expect(r.err).toContain('--> pipeline.yaml:5:');
    expect(r.err).toContain('found: `in/${matrix.i}.txt` (here `in/1.txt`), in neither list');
    expect(r.err).toContain('hint: add it: files: ["in/${matrix.i}.txt"]');
  });

  test('an undeclared script, and an undeclared file after --opt=', async () => {
    const a = await plan(base('    cmd: ["sh", "tool.sh", "${out}"]\n'));
    expect(a.err).toContain('names repository file `tool.sh`');
    expect(a.err).toContain('hint: add it: code: ["tool.sh"]');
    const b = await plan(base('    cmd: ["sh", "tool.sh", "--in=in/${matrix.i}.txt", "${out}"]\n    code: [tool.sh]\n'));
    expect(b.err).toContain('names repository file `in/1.txt`');
  });

  test('${matrix.*} in code: points at files:, quoting the entry as written', async () => {
    const r = await plan(base('    cmd: ["sh", "tool.sh", "in/${matrix.i}.txt", "${out}"]\n    code: [tool.sh, "in/${matrix.i}.txt"]\n'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: `${matrix.i}` in `code:` of stage `s`');
    expect(r.err).toContain('--> pipeline.yaml:6:');
    expect(r.err).toContain('hint: list per-instance data files under `files:` instead, e.g. files: ["in/${matrix.i}.txt"]');
  });

  test('a missing per-instance file names the instance and the entry as written', async () => {
    const r = await plan(base('    cmd: ["sh", "tool.sh", "data/${matrix.i}.csv", "${out}"]\n    code: [tool.sh]\n    files: ["data/${matrix.i}.csv"]\n'), { 'data/1.csv': 'x\n' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: missing input file `data/2.csv` of `s[i=2]`');
    expect(r.err).toContain('--> pipeline.yaml:7:');
    expect(r.err).toContain('the entry is `data/${matrix.i}.csv`');
  });

  test('a file inside artifacts/ is read through deps:, not files:', async () => {
    const r = await plan(base('    cmd: ["cat", "${out}"]\n    files: ["artifacts/x/${matrix.i}.txt"]\n'));
    expect(r.err).toContain("is inside the engine's folder `artifacts`");
  });
});

describe('module stages', () => {
  test('ctx.files gives the declared files; an edit reruns only that instance', async () => {
    const stage = `import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageContext } from '${join(PROJECT, 'src', 'engine', 'stage.ts')}';
export default {
  params: { type: 'object' },
  async run(ctx: StageContext) {
    const texts = await Promise.all(ctx.files.map((f) => readFile(f, 'utf8')));
    await writeFile(join(ctx.outDir, 'out.txt'), texts.join('|'));
  },
};
`;
    const r = makeRepo({
      'pipeline.yaml': 'version: 1\nstages:\n  m:\n    uses: stages/m.ts\n    matrix: { k: [a, b] }\n    files: ["in/${matrix.k}.txt", shared.txt]\n',
      'stages/m.ts': stage,
      'in/a.txt': 'A',
      'in/b.txt': 'B',
      'shared.txt': 'S',
    });
    expect((await cli(r, 'repro')).code).toBe(0);
    expect(r.read('artifacts/m[k=b]/out.txt')).toBe('B|S');
    r.write('in/a.txt', 'A2');
    const again = await cli(r, 'repro');
    expect(ranIn(again.err)).toEqual(['m[k=a]']);
    expect(r.read('artifacts/m[k=a]/out.txt')).toBe('A2|S');
  });
});
