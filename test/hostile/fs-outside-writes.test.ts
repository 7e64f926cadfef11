/**
 * A stage writing outside its output folder: into its dependency's artifacts (fails the instance: its
 * outputs may rest on bytes outside its key), into the repository's top level or another stage's code
 * (warnings). The cheap detection the engine can do: stat signatures of inputs and code before and after.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos, snapshot } from '../engine/helpers.ts';

afterAll(removeRepos);

const PIPE = (downCmd: string) => `version: 1
stages:
  up:
    cmd: [sh, -c, "echo up > \${out}/u.txt"]
  down:
    cmd: [sh, -c, "${downCmd}"]
    deps: { u: up }
  other:
    uses: stages/other.ts
`;
const OTHER = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default { params: { type: 'object' }, async run(ctx: any) { await writeFile(join(ctx.outDir, 'o.txt'), 'o'); } };
`;

describe('writes outside the output folder', () => {
  test('a stage that edits its upstream\'s folder (artifacts/<upstream>/..., by path) fails; the next repro restores it', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPE('echo d > ${out}/d.txt'), 'stages/other.ts': OTHER });
    expect((await cli(repo, 'repro')).code).toBe(0);
    const before = snapshot(repo, ['.grokpipe/store', 'grokpipe.lock']);
    repo.write('pipeline.yaml', PIPE('echo tampered >> artifacts/up/u.txt; echo d2 > ${out}/d.txt'));
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ FAILED\s+down: artifacts\/up\/u\.txt \(an input of down\) changed while down ran: a stage may write only inside its output folder \(ctx\.outDir, \$\{out\}\); its outputs are not stored, and the next repro restores the input from the store/);
    expect(repo.read('artifacts/down/d.txt')).toBe('d\n');
    expect(snapshot(repo, ['.grokpipe/store', 'grokpipe.lock'])).toEqual(before);
    // The next repro notices the edited input folder and restores it from the store.
    const st = await cli(repo, 'status');
    expect(st.out).toMatch(/restorable\s+up/);
    repo.write('pipeline.yaml', PIPE('echo d2 > ${out}/d.txt'));
    const again = await cli(repo, 'repro');
    expect(again.code).toBe(0);
    expect(repo.read('artifacts/up/u.txt')).toBe('up\n');
  });

  test('class: a file created at the top of the repository, and another stage\'s code edited, are warned about', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPE('echo x > results.csv; echo // >> stages/other.ts; echo d > ${out}/d.txt'), 'stages/other.ts': OTHER });
    const r = await cli(repo, 'repro', '-j', '1');
    // other runs after down, with code that changed after its key was computed: it is not stored.
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ FAILED\s+other: stages\/other\.ts changed while other ran; its key was computed from the old content/);
    expect(r.err).toContain('warning: `results.csv` appeared at the top of the repository while down ran: a stage should write only inside its output folder (ctx.outDir, ${out})');
    expect(r.err).toContain('warning: stages/other.ts changed while down ran (an edit, or a stage writing outside its output folder)');
  });
});
