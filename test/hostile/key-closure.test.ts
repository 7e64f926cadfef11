/**
 * Hostile cases for the code closure (issue 10, "key and closure"): every way a stage can load a file
 * must put that file in its key. The issue's required case runs through the real binary (tsx resolves
 * package.json "imports" and tsconfig "paths" at run time, so the key must too): each edit reruns the
 * instance and changes its key. The classes around it run the tricky stage once through the binary
 * (so the resolution the key assumes is the one tsx performs) and then check the closure itself per
 * edited file, which is what the key hashes (a CLI run per edit costs seconds on a loaded machine).
 * Forms that must not be followed (comments, strings, type imports) are asserted not to be; what
 * cannot be known statically is refused at file:line:col with a hint, and nothing is written.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ClosureResolver } from '../../src/engine/hashing/code-closure.ts';
import { FileHashCache } from '../../src/engine/hashing/file-hash-cache.ts';
import { scanImports } from '../../src/engine/hashing/import-scan.ts';
import { sha256 } from '../../src/engine/sha256.ts';
import { cli, cliProcess, makeRepo, ranIn, removeRepos, snapshot, type Repo } from '../engine/helpers.ts';

const PACKAGE = JSON.stringify({
  type: 'module',
  name: 'hostile',
  imports: { '#lib/*': './lib/*', '#cond': { types: './lib/nope.ts', node: './lib/cond.ts', default: './lib/nope.ts' } },
  exports: { './self': './lib/self.ts' },
});
const TSCONFIG = `{
  // comments are allowed here, as tsc and tsx allow them
  "compilerOptions": { "paths": { "@app/*": ["./lib/app/*"], "@cfg": ["./lib/cfg.ts"] } },
}
`;

/** The issue's required case: `#imports`, a tsconfig alias and a template-literal dynamic import. */
const ALIAS_STAGE = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { a } from '#lib/util.ts';
import { b } from '@app/alias.ts';
export default {
  params: { type: 'object' },
  async run(ctx: { outDir: string }) {
    const { c } = await import(\`../lib/dyn.ts\`);
    await writeFile(join(ctx.outDir, 'out.json'), JSON.stringify([a, b, c]));
  },
};
`;

/** The classes around it: lexer traps, other alias forms, other ways of loading a file. */
const TRICKY_STAGE = `import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Shape } from '../lib/types.ts';
import { cfg } from '@cfg';
import { cond } from '#cond';
import { self } from 'hostile/self';
import '../lib/side.ts';
export * from '../lib/star.ts';
// import '../lib/commented-out.ts';
/* import { x } from '../lib/block-commented.ts'; */
const inString = "import('../lib/in-string.ts')";
const inTemplate = \`import x from '../lib/in-template.ts'\`;
const require = createRequire(import.meta.url);
const asset = new URL('data.bin', import.meta.url);
export default {
  params: { type: 'object' },
  async run(ctx: { outDir: string }) {
    const slashes = /^\\/*$/.test('//');
    const { afterRegex } = await import('../lib/after-regex.ts');
    const n: number | undefined = 6;
    const half = n! / 2;
    const { afterBang } = await import('../lib/after-bang.ts');
    const nested = \`\${\`deep \${(await import('../lib/nested.ts')).nested}\`}\`;
    const req = require('../lib/req.cjs');
    const shape: Shape = { n: half };
    await writeFile(join(ctx.outDir, 'out.json'), JSON.stringify([cfg, cond, self, afterRegex, afterBang, nested, req.req, shape, slashes, inString.length, inTemplate.length, String(asset).length, (globalThis as any).side]));
  },
};
`;

const PIPELINE = `version: 1
stages:
  alias:
    uses: stages/alias.ts
  tricky:
    uses: stages/tricky.ts
`;

function keyOf(repo: Repo, name: string): string {
  return (JSON.parse(repo.read('grokpipe.lock')) as { profiles: Record<string, Record<string, { key: string }>> }).profiles.default![name]!.key;
}

let repo: Repo;

beforeAll(() => {
  repo = makeRepo({
    'pipeline.yaml': PIPELINE,
    'tsconfig.json': TSCONFIG,
    'stages/alias.ts': ALIAS_STAGE,
    'stages/tricky.ts': TRICKY_STAGE,
    'lib/util.ts': "export const a = 'a1';\n",
    'lib/app/alias.ts': "export const b = 'b1';\n",
    'lib/dyn.ts': "export const c = 'c1';\n",
    'lib/types.ts': 'export interface Shape { n: number }\n',
    'lib/cfg.ts': "export const cfg = 'cfg1';\n",
    'lib/cond.ts': "export const cond = 'cond1';\n",
    'lib/self.ts': "export const self = 'self1';\n",
    'lib/side.ts': "(globalThis as any).side = 'side1';\n",
    'lib/star.ts': "export const star = 'star1';\n",
    'lib/after-regex.ts': "export const afterRegex = 'r1';\n",
    'lib/after-bang.ts': "export const afterBang = 'bang1';\n",
    'lib/nested.ts': "export const nested = 'n1';\n",
    'lib/req.cjs': "exports.req = 'req1';\n",
  });
  repo.write('package.json', PACKAGE);
});

afterAll(removeRepos);

describe('the code closure follows every way a stage loads a file', () => {
  test('first repro runs the alias stage', () => {
    const r = cliProcess(repo, 'repro', 'alias');
    expect(r.err).not.toMatch(/^(warning|error)\b/m); // progress is on stderr; nothing else is
    expect(r.code).toBe(0);
    expect(ranIn(r.err)).toEqual(['alias']);
    expect(JSON.parse(repo.read('artifacts/alias/out.json'))).toEqual(['a1', 'b1', 'c1']);
  });

  // The issue's required test: each of the three imports, edited, reruns the stage and changes its key.
  test.each([
    ['#imports (package.json "imports")', 'lib/util.ts', "export const a = 'a2';\n", 'a2'],
    ['tsconfig "paths" alias', 'lib/app/alias.ts', "export const b = 'b2';\n", 'b2'],
    ['template-literal dynamic import', 'lib/dyn.ts', "export const c = 'c2';\n", 'c2'],
  ])('key-alias: editing a file reached through %s reruns the stage and changes its key', (_what, file, text, value) => {
    const before = keyOf(repo, 'alias');
    repo.write(file, text);
    const r = cliProcess(repo, 'repro', 'alias');
    expect(r.code).toBe(0);
    expect(ranIn(r.err)).toEqual(['alias']);
    expect(keyOf(repo, 'alias')).not.toBe(before);
    expect(JSON.parse(repo.read('artifacts/alias/out.json'))).toContain(value);
  });

  test('key-tricky: the tricky stage runs under tsx with every import resolved as the closure resolves it', () => {
    const r = cliProcess(repo, 'repro', 'tricky');
    expect(r.err).not.toMatch(/^(warning|error)\b/m); // progress is on stderr; nothing else is
    expect(r.code).toBe(0);
    expect(JSON.parse(repo.read('artifacts/tricky/out.json')).slice(0, 7)).toEqual(['cfg1', 'cond1', 'self1', 'r1', 'bang1', 'deep n1', 'req1']);
  });

  const closureOf = () => new ClosureResolver(repo.dir, new FileHashCache(repo.dir, { persistent: false })).closure(['stages/tricky.ts']);
  test.each([
    ['an exact tsconfig "paths" alias', 'lib/cfg.ts', "export const cfg = 'cfg2';\n"],
    ['a conditional "imports" entry (the node condition)', 'lib/cond.ts', "export const cond = 'cond2';\n"],
    ['a self-reference through "exports"', 'lib/self.ts', "export const self = 'self2';\n"],
    ['a side-effect import', 'lib/side.ts', "(globalThis as any).side = 'side2';\n"],
    ['export * from', 'lib/star.ts', "export const star = 'star2';\n"],
    ['a dynamic import after a regex literal /^\\/*$/', 'lib/after-regex.ts', "export const afterRegex = 'r2';\n"],
    ['a dynamic import after a TypeScript non-null division n! / 2', 'lib/after-bang.ts', "export const afterBang = 'bang2';\n"],
    ['a dynamic import nested in template literals', 'lib/nested.ts', "export const nested = 'n2';\n"],
    ['require() through createRequire', 'lib/req.cjs', "exports.req = 'req2';\n"],
  ])('key-tricky: a file reached through %s is in the closure, by content', (_what, file, text) => {
    const before = closureOf();
    expect(before.files[file]).toBe(sha256(repo.read(file)));
    repo.write(file, text);
    const after = closureOf();
    expect(after.files[file]).toBe(sha256(text));
    expect(JSON.stringify(after)).not.toBe(JSON.stringify(before));
  });

  test('key-tricky: an asset new URL("data.bin", import.meta.url) written without ./ is relative (missing, then hashed)', () => {
    expect(closureOf().files['stages/data.bin']).toBe('missing');
    repo.write('stages/data.bin', 'bytes');
    expect(closureOf().files['stages/data.bin']).toBe(sha256('bytes'));
  });

  test('key-tricky: the tricky stage reruns after those edits, with a new key', () => {
    const before = keyOf(repo, 'tricky');
    const r = cliProcess(repo, 'repro', 'tricky');
    expect(r.code).toBe(0);
    expect(ranIn(r.err)).toEqual(['tricky']);
    expect(keyOf(repo, 'tricky')).not.toBe(before);
    expect(JSON.parse(repo.read('artifacts/tricky/out.json')).slice(0, 7)).toEqual(['cfg2', 'cond2', 'self2', 'r2', 'bang2', 'deep n2', 'req2']);
  });

  test('key-erased: an import type is erased at run time: not in the closure, so editing its file changes no key', () => {
    const before = closureOf();
    expect(before.files['lib/types.ts']).toBeUndefined();
    repo.write('lib/types.ts', 'export interface Shape { n: number; m?: string }\n');
    expect(closureOf()).toEqual(before);
  });

  test('key-not-code: imports inside comments, strings and templates are not followed (their files do not exist)', () => {
    const files = Object.keys(closureOf().files).join(' ');
    for (const f of ['commented-out', 'block-commented', 'in-string', 'in-template']) expect(files).not.toContain(f);
  });
});

describe('what the key cannot know is refused at file:line:col, with a hint, and nothing is written', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a dynamic import of a template with a substitution', "const name = 'x';\nconst m = await import(`../lib/${name}.ts`);\n", /stages\/bad\.ts:2:24/],
    ['a dynamic import of a variable', "const name = '../lib/x.ts';\nconst m = await import(name);\n", /stages\/bad\.ts:2:24/],
    ['a require() of a variable', "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst p = './x.cjs';\nrequire(p);\n", /stages\/bad\.ts:4:9/],
    ['an asset URL of a variable', "const f = 'k.wasm';\nexport const u = new URL(f, import.meta.url);\n", /stages\/bad\.ts:2:26/],
  ];
  test.each(cases)('key-computed: %s', async (_what, body, where) => {
    const bad = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  bad:\n    uses: stages/bad.ts\n', 'stages/bad.ts': `${body}export default { params: { type: 'object' }, run() {} };\n` });
    const r = await cli(bad, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: cannot follow .* of a computed specifier in the code closure/);
    expect(r.err).toMatch(where);
    expect(r.err).toMatch(/hint: write the specifier literally/);
    expect(r.err).not.toMatch(/ at .*\.ts:\d+:\d+\)/); // no stack trace
    expect(snapshot(bad)).toEqual({});
  });

  test.each([
    ['an unknown #import', "import { z } from '#nowhere';\n", /stages\/bad\.ts:1:20/, /no entry matching #nowhere/],
    ['a tsconfig alias to a missing file', "import { z } from '@app/gone.ts';\n", /stages\/bad\.ts:1:20/, /none of them is a file/],
    ['a relative import of a missing file', "import { z } from '../lib/gone.ts';\n", /stages\/bad\.ts:1:20/, /no such file/],
  ])('key-unresolved: %s', async (_what, body, where, why) => {
    const bad = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  bad:\n    uses: stages/bad.ts\n', 'tsconfig.json': TSCONFIG, 'stages/bad.ts': `${body}export default { params: { type: 'object' }, run() {} };\n` });
    bad.write('package.json', PACKAGE);
    const r = await cli(bad, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot follow import/);
    expect(r.err).toMatch(where);
    expect(r.err).toMatch(why);
    expect(snapshot(bad)).toEqual({});
  });

  test('key-symlink: a stage module that is a symlink to a file outside the repository is refused', async () => {
    const outside = makeRepo({ 'evil.ts': "export default { params: { type: 'object' }, run() {} };\n" });
    const bad = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  bad:\n    uses: stages/bad.ts\n' });
    bad.write('stages/.keep', '');
    symlinkSync(join(outside.dir, 'evil.ts'), join(bad.dir, 'stages', 'bad.ts'));
    const r = await cli(bad, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/escapes the repository through a symlink/);
    expect(r.err).toMatch(/pipeline\.yaml:4:11/);
    expect(snapshot(bad)).toEqual({});
  });

  test('key-symlink: an imported file that is a symlink to a file outside the repository is refused', async () => {
    const outside = makeRepo({ 'lib.ts': "export const x = 1;\n" });
    const bad = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  bad:\n    uses: stages/bad.ts\n', 'stages/bad.ts': "import { x } from '../lib/linked.ts';\nexport default { params: { type: 'object' }, run() { void x; } };\n" });
    bad.write('lib/.keep', '');
    symlinkSync(join(outside.dir, 'lib.ts'), join(bad.dir, 'lib', 'linked.ts'));
    const r = await cli(bad, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot follow import `\.\.\/lib\/linked\.ts`/);
    expect(r.err).toMatch(/outside the repository .*symlinks followed/);
    expect(r.err).toMatch(/stages\/bad\.ts:1:20/);
    expect(snapshot(bad)).toEqual({});
  });
});

describe('symlinked folders', () => {
  test('key-symlink: an asset in a symlinked folder leading outside (build/ -> elsewhere) is refused, naming the link', async () => {
    const outside = makeRepo({ 'k.wasm': 'wasm' });
    const bad = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  bad:\n    uses: stages/bad.ts\n', 'stages/bad.ts': "export const k = new URL('../build/k.wasm', import.meta.url);\nexport default { params: { type: 'object' }, run() {} };\n" });
    symlinkSync(outside.dir, join(bad.dir, 'build'));
    const r = await cli(bad, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/stages\/bad\.ts:1:26/);
    expect(r.err).toMatch(/hint: build\/k\.wasm is a symlink \(or lies in a symlinked folder\) leading out of the repository/);
    expect(snapshot(bad)).toEqual({});
  });
});

describe('the lexer, form by form (fast, no CLI)', () => {
  test('key-forms: every runtime form is found with its position; type positions, comments, strings, regexes and look-alikes are not', () => {
    const src = [
      "import * as ns from './ns.ts';", // 1
      "export { x as y } from './reexport.ts';", // 2
      "import data from './data.json' with { type: 'json' };", // 3
      "import eq = require('./import-equals.cjs');", // 4
      "type T = typeof import('./type-position.ts');", // 5
      "let q: import('./type-arg.ts').Q;", // 6
      "const o = { require: (s: string) => s }; o.require('./method-call.ts');", // 7
      "const requireHere = (s: string) => s; requireHere('./lookalike.ts');", // 8
      "const r = /import('.\\/in-regex.ts')/;", // 9
      "const s = 'require(\"./in-string.cjs\")';", // 10
      "/* new URL('./in-comment.wasm', import.meta.url) */", // 11
      "const w = new URL(\"./real.wasm\", import.meta.url);", // 12
      'const lazy = () => import(`./template.ts`);', // 13
      'void [ns, eq, data, w, lazy, q, r, s];',
    ].join('\n');
    const found = scanImports(src, 'forms.ts', '.ts');
    expect(found.map((i) => `${i.kind}:${i.spec}@${i.line}`)).toEqual([
      'import:./ns.ts@1',
      'import:./reexport.ts@2',
      'import:./data.json@3',
      'require:./import-equals.cjs@4',
      'asset:./real.wasm@12',
      'import:./template.ts@13',
    ]);
  });
});
