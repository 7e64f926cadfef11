/**
 * A YAML "billion laughs" document (anchors of aliases of anchors) in pipeline.yaml or claims.yaml is
 * refused with file:line:col of the first alias, exit 2, nothing written; no "internal error".
 */
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos, snapshot } from '../engine/helpers.ts';

afterAll(removeRepos);

const BOMB = `version: 1
vars:
  a: &a [x, x, x, x, x, x, x, x, x, x]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
stages:
  s:
    cmd: [sh, -c, "echo > \${out}/o.txt"]
`;

describe('YAML alias bomb', () => {
  test.each(['repro', 'status', 'dag'])('`grokpipe %s` refuses it with the first alias located', async (verb) => {
    const repo = makeRepo({ 'pipeline.yaml': BOMB });
    const t0 = performance.now();
    const r = await cli(repo, verb);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: pipeline.yaml expands aliases too far (a YAML alias bomb?)');
    expect(r.err).toContain('--> pipeline.yaml:4:10');
    expect(r.err).toContain('expected: aliases (*name) that expand to at most 1000 nodes in all');
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(snapshot(repo, ['.grokpipe', 'grokpipe.lock', 'artifacts'])).toEqual({});
  });

  test('class: a few honest aliases are still fine', async () => {
    const repo = makeRepo({ 'pipeline.yaml': `version: 1\nvars:\n  ps: &ps [3, 5]\n  again: *ps\nstages:\n  s:\n    cmd: [sh, -c, "echo \${vars.again} > \${out}/o.txt"]\n` });
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(0);
    expect(repo.read('artifacts/s/o.txt')).toBe('[3,5]\n');
  });
});
