/**
 * What decides the code that runs besides the closure's files. Findings: a tsconfig.json option
 * (useDefineForClassFields) changed a stage's bytes under the same key and `repro --force` reused the
 * old bundle, also for a tsconfig.json in a folder above the repository; a package linked into
 * node_modules from the repository (a workspace package, a `file:` dependency, `npm link`) was keyed by
 * `name@version` only, so editing its code left the stage up to date. Class: the key's `compiler`
 * component holds the effective emitting options of the tsconfig that governs the closure (and the bundle's
 * name every tsconfig the bundler could read), while an option that only type-checks moves no key; the
 * `runtime` component holds Node's major version; a linked package's files are in the code closure by
 * content. cmd stages have neither component, and their `command` holds `${deps.x}` as written.
 * Later finding: the closure read "paths" from the root tsconfig.json only, without its "extends", while
 * esbuild reads the importing file's nearest config with its chain; an alias set in a base config went
 * into the key as a package "not installed", and editing the aliased file left the stage up to date.
 * Class: one reader of tsconfig files (src/engine/hashing/tsconfig-files.ts) for the resolver and the key.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos, type Repo } from '../engine/helpers.ts';

afterAll(removeRepos);

const CLASSES = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
class Base { foo: number; constructor() { this.foo = 1; } }
class Sub extends Base { foo!: number; }
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'foo.json'), JSON.stringify({ foo: new Sub().foo ?? null })); },
};
`;

const tsconfig = (define: boolean) => JSON.stringify({ compilerOptions: { useDefineForClassFields: define } });

/** A repository in a folder of a temporary folder, so that a tsconfig.json can sit above it. */
function nested(): { outer: Repo; repo: Repo } {
  const outer = makeRepo({ 'inner/pipeline.yaml': 'version: 1\nstages:\n  c:\n    uses: stages/c.ts\n', 'inner/stages/c.ts': CLASSES, 'inner/package.json': '{ "type": "module" }\n' });
  return { outer, repo: { ...outer, dir: join(outer.dir, 'inner'), read: (rel) => outer.read(`inner/${rel}`), write: (rel, t) => outer.write(`inner/${rel}`, t), exists: (rel) => outer.exists(`inner/${rel}`) } };
}

const tsconfigWith = (options: Record<string, unknown>) => JSON.stringify({ compilerOptions: options });

async function shown(repo: Repo, instance: string): Promise<{ key: string; manifest: { components: Record<string, any> } }> {
  const r = await cli(repo, 'show', instance, '--json');
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out);
}

describe('compiler settings decide the key', () => {
  test.each([
    ['in the repository', 'tsconfig.json', '.'],
    ['in a folder above the repository', '../tsconfig.json', '(outside the repository)'],
  ])('a tsconfig.json %s: an emitting option is in the key, a type-checking one is not', async (_where, at, folder) => {
    const { outer, repo } = nested();
    const write = (options: Record<string, unknown>) => (at.startsWith('..') ? outer.write('tsconfig.json', tsconfigWith(options)) : repo.write('tsconfig.json', tsconfigWith(options)));
    write({ useDefineForClassFields: false });
    expect((await cli(repo, 'repro')).code).toBe(0);
    expect(JSON.parse(repo.read('artifacts/c/foo.json'))).toEqual({ foo: 1 });
    const before = await shown(repo, 'c');
    expect(before.manifest.components.compiler.tsconfig).toEqual({ [folder]: { useDefineForClassFields: false } });
    expect(JSON.stringify(before.manifest.components.compiler)).not.toContain(outer.dir);

    // strictNullChecks cannot change what esbuild emits: same key, nothing to do.
    write({ useDefineForClassFields: false, strictNullChecks: true, noEmit: true });
    expect((await shown(repo, 'c')).key).toBe(before.key);

    // Changed on purpose (this test used to need --force and end in the lock's nondeterminism error,
    // while the key did not hold the settings): a plain repro now sees the new key and runs the new code.
    write({ useDefineForClassFields: true });
    const why = await cli(repo, 'status', '--why');
    expect(why.out).toContain(`compiler.tsconfig[${JSON.stringify(folder)}].useDefineForClassFields  false  ->  true`);
    const r = await cli(repo, 'repro');
    expect(r.code, r.err + r.out).toBe(0);
    expect(JSON.parse(repo.read('artifacts/c/foo.json'))).toEqual({ foo: null });
    expect((await shown(repo, 'c')).key).not.toBe(before.key);

    write({ useDefineForClassFields: false });
    expect((await cli(repo, 'repro')).code).toBe(0);
    expect(JSON.parse(repo.read('artifacts/c/foo.json'))).toEqual({ foo: 1 });
    expect((await shown(repo, 'c')).key).toBe(before.key);
  });

  test('a module stage is keyed by Node\'s major version and the compiler; a cmd stage by neither, its command as written', async () => {
    const repo = makeRepo({
      'pipeline.yaml': `version: 1
stages:
  m:
    uses: stages/m.ts
  a:
    cmd: ["sh", "-c", 'echo a > "$0/x"', "\${out}"]
  b:
    cmd: ["sh", "-c", 'cp "$0/x" "$1/y"', "\${deps.a}", "\${out}"]
    deps: { a: a }
`,
      'stages/m.ts': CLASSES,
      'package.json': '{ "type": "module" }\n',
    });
    const r = await cli(repo, 'repro');
    expect(r.code, r.err + r.out).toBe(0);
    const m = (await shown(repo, 'm')).manifest.components;
    expect(m.runtime).toEqual({ node: Number(process.versions.node.split('.')[0]) });
    expect(Object.keys(m.compiler).sort()).toEqual(['bundle', 'esbuild', 'tsconfig']);
    expect(m.compiler.bundle).toMatchObject({ format: 'esm', platform: 'node' });
    const b = (await shown(repo, 'b')).manifest.components;
    expect(b.compiler).toBeUndefined();
    expect(b.runtime).toBeUndefined();
    expect(b.command).toEqual(['sh', '-c', 'cp "$0/x" "$1/y"', '\${deps.a}', '\${out}']);
    expect(repo.read('artifacts/b/manifest.json')).not.toMatch(/[\u2983\u2984]/);
    const text = await cli(repo, 'show', 'm');
    expect(text.out).toContain(`runtime  node ${process.versions.node.split('.')[0]}`);
    expect(text.out).toContain(`compiler {`);
    expect(text.out).toContain(`"esbuild": "${m.compiler.esbuild}"`);
  });
});

describe('packages that live in the repository', () => {
  const LIB = 'export const value = 1;\n';
  const USER = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { value } from 'mylib';
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'v.json'), JSON.stringify({ value })); },
};
`;
  test('a workspace package (node_modules/mylib -> packages/mylib): its files are in the key; an edit reruns the stage', async () => {
    const repo = makeRepo({
      'pipeline.yaml': 'version: 1\nstages:\n  u:\n    uses: stages/u.ts\n',
      'stages/u.ts': USER,
      'packages/mylib/package.json': JSON.stringify({ name: 'mylib', version: '1.0.0', type: 'module', main: 'index.js' }),
      'packages/mylib/index.js': LIB,
    });
    mkdirSync(join(repo.dir, 'node_modules'));
    symlinkSync('../packages/mylib', join(repo.dir, 'node_modules/mylib'), 'dir');
    expect((await cli(repo, 'repro')).code).toBe(0);
    const m = JSON.parse(repo.read('artifacts/u/manifest.json'));
    expect(Object.keys(m.components.code)).toEqual(['packages/mylib/index.js', 'packages/mylib/package.json', 'stages/u.ts']);
    expect(m.components.packages).toEqual({ mylib: '1.0.0' });
    repo.write('packages/mylib/index.js', 'export const value = 2;\n');
    const why = await cli(repo, 'status', '--why');
    expect(why.out).toMatch(/code\s+packages\/mylib\/index\.js/);
    expect((await cli(repo, 'repro')).code).toBe(0);
    expect(JSON.parse(repo.read('artifacts/u/v.json'))).toEqual({ value: 2 });
  });

  test('a package linked from outside the repository (npm link): its files are in the key under node_modules/<name>/', async () => {
    const outside = makeRepo({ 'mylib/package.json': JSON.stringify({ name: 'mylib', version: '1.0.0', type: 'module', main: 'index.js' }), 'mylib/index.js': LIB });
    const repo = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  u:\n    uses: stages/u.ts\n', 'stages/u.ts': USER });
    mkdirSync(join(repo.dir, 'node_modules'));
    symlinkSync(join(outside.dir, 'mylib'), join(repo.dir, 'node_modules/mylib'), 'dir');
    expect((await cli(repo, 'repro')).code).toBe(0);
    const m = JSON.parse(repo.read('artifacts/u/manifest.json'));
    expect(Object.keys(m.components.code)).toEqual(['node_modules/mylib/index.js', 'node_modules/mylib/package.json', 'stages/u.ts']);
    outside.write('mylib/index.js', 'export const value = 3;\n');
    expect((await cli(repo, 'status', '--why')).out).toMatch(/code\s+node_modules\/mylib\/index\.js/);
  });

  test('a registry package (a real folder in node_modules) is keyed by name and version only, as before', async () => {
    const repo = makeRepo({
      'pipeline.yaml': 'version: 1\nstages:\n  u:\n    uses: stages/u.ts\n',
      'stages/u.ts': USER,
      'node_modules/mylib/package.json': JSON.stringify({ name: 'mylib', version: '1.0.0', type: 'module', main: 'index.js' }),
      'node_modules/mylib/index.js': LIB,
    });
    expect((await cli(repo, 'repro')).code).toBe(0);
    const m = JSON.parse(repo.read('artifacts/u/manifest.json'));
    expect(Object.keys(m.components.code)).toEqual(['stages/u.ts']);
  });
});

describe('"paths" are read as the bundler reads them', () => {
  const ALIASED = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { b } from '@app/alias.ts';
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'b.json'), JSON.stringify({ b })); },
};
`;
  test.each([
    ['in a base config the root tsconfig.json extends (targets relative to the base)', { 'tsconfig.json': '{ "extends": "./config/base.json" }', 'config/base.json': tsconfigWith({ paths: { '@app/*': ['../lib/app/*'] } }) }],
    ['in the stage folder\'s own tsconfig.json', { 'tsconfig.json': tsconfigWith({ strict: true }), 'stages/tsconfig.json': tsconfigWith({ paths: { '@app/*': ['../lib/app/*'] } }) }],
  ])('an alias %s: the aliased file is in the key, and an edit of it reruns the stage', async (_where, configs) => {
    const repo = makeRepo({
      'pipeline.yaml': 'version: 1\nstages:\n  u:\n    uses: stages/u.ts\n',
      'package.json': '{ "type": "module" }\n',
      'stages/u.ts': ALIASED,
      'lib/app/alias.ts': "export const b = 'b1';\n",
      ...configs,
    });
    const r = await cli(repo, 'repro');
    expect(r.code, r.err + r.out).toBe(0);
    expect(JSON.parse(repo.read('artifacts/u/b.json'))).toEqual({ b: 'b1' });
    const m = JSON.parse(repo.read('artifacts/u/manifest.json'));
    expect(Object.keys(m.components.code)).toEqual(['lib/app/alias.ts', 'stages/u.ts']);
    expect(m.components.packages ?? {}).toEqual({});
    repo.write('lib/app/alias.ts', "export const b = 'b2';\n");
    expect((await cli(repo, 'status', '--why')).out).toMatch(/code\s+lib\/app\/alias\.ts/);
    expect((await cli(repo, 'repro')).code).toBe(0);
    expect(JSON.parse(repo.read('artifacts/u/b.json'))).toEqual({ b: 'b2' });
  });
});
