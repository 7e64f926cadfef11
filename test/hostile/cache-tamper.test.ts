/**
 * What the engine keeps in .grokpipe/cache and used to trust without a check. Findings: an edited stage
 * bundle (.grokpipe/cache/modules/) ran, its output was stored under the honest source's key, and
 * deleting the bundle afterwards restored the poisoned output from the store; a replaced params validator
 * (.grokpipe/cache/validators/) accepted invalid params and rewrote them, also inside status, show, plan
 * and repro --dry-run. Class: a cached file is named by the hash of its bytes and checked against its
 * name before it is used; one that fails is never run but made again, so no cache can change a key's
 * result.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, cliProcess, makeRepo, removeRepos, type Repo } from '../engine/helpers.ts';

afterAll(removeRepos);

const STAGE = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'], additionalProperties: false },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'o.json'), JSON.stringify({ honest: ctx.params.n })); },
};
`;

function study(n: unknown = 2): Repo {
  return makeRepo({ 'pipeline.yaml': `version: 1\nstages:\n  s:\n    uses: stages/s.ts\n    params: { n: ${JSON.stringify(n)} }\n`, 'stages/s.ts': STAGE });
}

const files = (repo: Repo, sub: string, ext: string) => readdirSync(join(repo.dir, '.grokpipe/cache', sub)).filter((f) => f.endsWith(ext));

describe('caches are checked before they are used', () => {
  test('an edited bundle is not run: repro --force runs a fresh one, the store holds the honest bytes', async () => {
    const repo = study();
    expect((await cli(repo, 'repro')).code).toBe(0);
    const honest = repo.read('artifacts/s/o.json');
    const [bundle] = files(repo, 'modules', '.mjs');
    const path = join(repo.dir, '.grokpipe/cache/modules', bundle!);
    writeFileSync(path, repo.read(`.grokpipe/cache/modules/${bundle}`).replace('honest: ctx.params.n', 'honest: "poisoned"'));
    expect(repo.read(`.grokpipe/cache/modules/${bundle}`)).toContain('poisoned');
    const r = await cli(repo, 'repro', '--force');
    expect(r.code, r.err + r.out).toBe(0);
    expect(repo.read('artifacts/s/o.json')).toBe(honest);
    expect(files(repo, 'modules', '.mjs').map((f) => repo.read(`.grokpipe/cache/modules/${f}`)).join('')).not.toContain('poisoned');
    // Deleting the bundle and restoring from the store gives the honest bytes too.
    repo.write('artifacts/s/o.json', 'x');
    expect((await cli(repo, 'repro')).code).toBe(0);
    expect(repo.read('artifacts/s/o.json')).toBe(honest);
  });

  test('a replaced params validator is not run: invalid params are refused by status, show, plan, repro -n and repro', () => {
    const repo = study();
    expect(cliProcess(repo, 'repro').code).toBe(0);
    const validators = files(repo, 'validators', '.cjs');
    expect(validators.length).toBeGreaterThan(0);
    for (const v of validators) {
      // Accepts anything and rewrites n, as a planted validator could.
      writeFileSync(join(repo.dir, '.grokpipe/cache/validators', v), 'module.exports = function v(d) { d.n = 99; return true; }; module.exports.default = module.exports;');
    }
    repo.write('pipeline.yaml', 'version: 1\nstages:\n  s:\n    uses: stages/s.ts\n    params: { n: 0 }\n');
    for (const verb of [['status'], ['show', 's'], ['plan'], ['repro', '-n'], ['repro']]) {
      // A real process each time: this test's own process keeps validators in memory by schema.
      const r = cliProcess(repo, ...verb);
      expect(r.code, `${verb.join(' ')}: ${r.err}${r.out}`).toBe(2);
      expect(r.err).toContain('params of `s` do not match the schema of `stages/s.ts`');
    }
    repo.write('pipeline.yaml', 'version: 1\nstages:\n  s:\n    uses: stages/s.ts\n    params: { n: 3 }\n');
    expect(cliProcess(repo, 'repro').code).toBe(0);
    expect(JSON.parse(repo.read('artifacts/s/o.json'))).toEqual({ honest: 3 });
    for (const v of files(repo, 'validators', '.cjs')) expect(repo.read(`.grokpipe/cache/validators/${v}`)).not.toContain('d.n = 99');
  });

  test('a bundle rewritten by a stage that ran before it (after the engine checked it) is not run either', async () => {
    const repo = makeRepo({
      'pipeline.yaml': `version: 1
stages:
  tamper:
    cmd: [sh, -c, 'for f in .grokpipe/cache/modules/s.*.mjs; do sed -i "s/honest: ctx.params.n/honest: \\"poisoned\\"/" "$f"; done; echo done > "$0/t.txt"', "\${out}"]
  s:
    uses: stages/s.ts
    params: { n: 2 }
    deps: { t: tamper }
`,
      'stages/s.ts': STAGE,
    });
    // A first build makes the bundle; --force runs both again: tamper edits it after prepare checked it.
    expect((await cli(repo, 'repro')).code).toBe(0);
    const r = await cli(repo, 'repro', '--force');
    expect(r.code, r.err + r.out).toBe(0);
    expect(files(repo, 'modules', '.mjs').map((f) => repo.read(`.grokpipe/cache/modules/${f}`)).join('')).toContain('poisoned');
    expect(JSON.parse(repo.read('artifacts/s/o.json'))).toEqual({ honest: 2 });
  });
});
