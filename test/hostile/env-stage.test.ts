/**
 * What a stage sees of the environment (src/engine/pipeline/stage-env.ts). Finding: a stage received the
 * engine's whole environment (credentials included where a machine has them), nothing said so, and
 * nothing of it was keyed; Node's version, platform and architecture were in no manifest. Class: a stage
 * gets the documented base (PATH, HOME, ...; LC_ALL, LANG, TZ fixed) plus what it declares under `env:`;
 * a declared variable's value enters its key (hashed, never written out), an undeclared one never does;
 * a run's manifest records the runtime.
 */
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos } from '../engine/helpers.ts';

afterAll(removeRepos);
const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

const ENV_MODULE = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'env.json'), JSON.stringify(process.env)); },
};
`;

const PIPELINE = `version: 1
stages:
  plain:
    cmd: [sh, -c, 'env | sort > "$0/env.txt"', "\${out}"]
  knob:
    cmd: [sh, -c, 'env | sort > "$0/env.txt"', "\${out}"]
    env: [GP_TEST_KNOB, GP_TEST_UNSET]
  mod:
    uses: stages/env.ts
    env: [GP_TEST_KNOB]
`;

function envOf(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('the environment of a stage', () => {
  test('a stage sees the base and what it declares, never the rest of the engine\'s environment', async () => {
    process.env.GP_TEST_SECRET_TOKEN = 'do-not-leak';
    process.env.GP_TEST_KNOB = '3';
    process.env.LC_ALL = 'de_DE.UTF-8';
    process.env.TZ = 'America/New_York';
    delete process.env.GP_TEST_UNSET;
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/env.ts': ENV_MODULE });
    const r = await cli(repo, 'repro');
    expect(r.code, r.err + r.out).toBe(0);
    const plain = envOf(repo.read('artifacts/plain/env.txt'));
    expect(plain.PATH).toBe(process.env.PATH);
    expect(plain.HOME).toBe(process.env.HOME);
    expect(plain).toMatchObject({ LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', TZ: 'UTC' });
    expect(Object.keys(plain).filter((k) => k.startsWith('GP_TEST'))).toEqual([]);
    const knob = envOf(repo.read('artifacts/knob/env.txt'));
    expect(knob.GP_TEST_KNOB).toBe('3');
    expect('GP_TEST_UNSET' in knob).toBe(false);
    expect('GP_TEST_SECRET_TOKEN' in knob).toBe(false);
    const mod = JSON.parse(repo.read('artifacts/mod/env.json')) as Record<string, string>;
    expect(mod.GP_TEST_KNOB).toBe('3');
    expect(mod.TZ).toBe('UTC');
    expect(Object.keys(mod).filter((k) => k.startsWith('GP_TEST'))).toEqual(['GP_TEST_KNOB']);
    // The key holds the value's hash, never the value: manifests and run records are read by people and tools.
    const manifest = JSON.parse(repo.read('artifacts/knob/manifest.json'));
    expect(Object.keys(manifest.components.env)).toEqual(['GP_TEST_KNOB', 'GP_TEST_UNSET']);
    expect(manifest.components.env.GP_TEST_UNSET).toBeNull();
    expect(manifest.components.env.GP_TEST_KNOB).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(manifest)).not.toContain('do-not-leak');
    expect(manifest.components.env.GP_TEST_KNOB).not.toBe('3');
    expect(JSON.parse(repo.read('artifacts/plain/manifest.json')).components.env).toBeUndefined();
    const show = await cli(repo, 'show', 'knob');
    expect(show.out).toMatch(/ {4}GP_TEST_KNOB {2}sha256 [0-9a-f]{16}\n {4}GP_TEST_UNSET {2}\(unset\)/);
    expect(show.out).not.toContain('do-not-leak');
  });

  test('a declared variable\'s value is in the key: changing it reruns that stage and no other', async () => {
    process.env.GP_TEST_KNOB = '3';
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/env.ts': ENV_MODULE });
    expect((await cli(repo, 'repro')).code).toBe(0);
    process.env.GP_TEST_KNOB = '4';
    process.env.GP_TEST_SECRET_TOKEN = 'changed';
    const why = await cli(repo, 'status', '--why');
    expect(why.code, why.err).toBe(0);
    expect(why.out).toMatch(/knob[\s\S]*env\s+GP_TEST_KNOB/);
    expect(why.out).toMatch(/3 instances: 1 up to date, 2 stale/);
    const r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    expect(envOf(repo.read('artifacts/knob/env.txt')).GP_TEST_KNOB).toBe('4');
    delete process.env.GP_TEST_KNOB;
    const unset = await cli(repo, 'status');
    expect(unset.out).toMatch(/1 up to date, 2 stale/);
  });

  test('a run\'s manifest records Node\'s version, the platform and the architecture (not keyed)', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/env.ts': ENV_MODULE });
    expect((await cli(repo, 'repro', 'plain')).code).toBe(0);
    const manifest = JSON.parse(repo.read('artifacts/plain/manifest.json'));
    expect(manifest.runtime).toEqual({ node: process.version, platform: process.platform, arch: process.arch });
    expect(manifest.components.runtime).toBeUndefined();
  });
});
