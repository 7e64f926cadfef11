/**
 * TypeScript stage modules run as bundles (src/engine/keys/module-bundle.ts): the bundle behaves as the
 * module loaded through tsx (each file keeps its own import.meta.url), is named by the closure's content
 * so an edit is a new bundle, keeps the stage's own file and line in a thrown error's stack, and is
 * skipped (the module loads through tsx) where bundling could change what the code sees.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { ClosureResolver } from '../../src/engine/hashing/code-closure.ts';
import { FileHashCache } from '../../src/engine/hashing/file-hash-cache.ts';
import { bundleName, runnableModule } from '../../src/engine/keys/module-bundle.ts';
import { cli, cliProcess, makeRepo, removeRepos, type Repo } from './helpers.ts';

afterAll(removeRepos);

const HELPER = `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
export const here = import.meta.url;
export const dir = import.meta.dirname;
export const asset = readFileSync(new URL('./asset.txt', import.meta.url), 'utf8').trim();
export const yamlVersion = (createRequire(import.meta.url)('yaml/package.json') as { version: string }).version;
`;

const STAGE = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asset, dir, here, yamlVersion } from '../lib/helper.ts';
export default {
  params: { type: 'object', properties: { n: { type: 'number', default: 1 } } },
  async run(ctx: any) {
    const lazy = await import('../lib/lazy.ts');
    await writeFile(join(ctx.outDir, 'seen.json'), JSON.stringify({ here, dir, asset, yamlVersion, lazy: lazy.value, own: import.meta.url, n: ctx.params.n }));
  },
};
`;

function study(): Repo {
  const repo = makeRepo({
    'pipeline.yaml': 'version: 1\nstages:\n  s:\n    uses: stages/s.ts\n',
    'stages/s.ts': STAGE,
    'lib/helper.ts': HELPER,
    'lib/asset.txt': 'the asset\n',
    'lib/lazy.ts': 'export const value = 42;\n',
  });
  // The packages a study imports resolve from its own node_modules; this one borrows grokpipe's.
  repo.write('node_modules/yaml/package.json', JSON.stringify({ name: 'yaml', version: '9.9.9' }));
  return repo;
}

function bundles(repo: Repo): string[] {
  try {
    return readdirSync(join(repo.dir, '.grokpipe/cache/modules')).filter((f) => f.endsWith('.mjs')).sort();
  } catch {
    return [];
  }
}

/** A bundle's file name: the stem bundleName gives, then the hash of its bytes. */
function bundleFile(stem: string): RegExp {
  return new RegExp(`^${stem.replace(/[.[\]]/g, '\\$&')}\\.[0-9a-f]{32}\\.mjs$`);
}

function closureOf(repo: Repo, module: string) {
  return new ClosureResolver(repo.dir, new FileHashCache(repo.dir, { persistent: false })).closure([module]);
}

describe('stage modules as bundles', () => {
  test('a stage runs from its bundle and sees each file as the module loaded through tsx would', async () => {
    const repo = study();
    const r = await cli(repo, 'repro');
    expect(r.code, r.out + r.err).toBe(0);
    expect(bundles(repo)).toHaveLength(1);
    expect(bundles(repo)[0]).toMatch(bundleFile(bundleName(repo.dir, 'stages/s.ts', closureOf(repo, 'stages/s.ts'))));
    const seen = JSON.parse(repo.read('artifacts/s/seen.json'));
    expect(seen).toEqual({
      here: pathToFileURL(join(repo.dir, 'lib/helper.ts')).href,
      dir: join(repo.dir, 'lib'),
      asset: 'the asset',
      yamlVersion: '9.9.9',
      lazy: 42,
      own: pathToFileURL(join(repo.dir, 'stages/s.ts')).href,
      n: 1,
    });
  });

  test('an edit to any file of the closure is a new bundle; the next run uses it', async () => {
    const repo = study();
    expect((await cli(repo, 'repro')).code).toBe(0);
    const first = bundles(repo);
    repo.write('lib/lazy.ts', 'export const value = 43;\n');
    const r = await cli(repo, 'repro');
    expect(r.code, r.out + r.err).toBe(0);
    expect(JSON.parse(repo.read('artifacts/s/seen.json')).lazy).toBe(43);
    const second = bundles(repo);
    expect(second).toHaveLength(2);
    expect(second.filter((b) => bundleFile(bundleName(repo.dir, 'stages/s.ts', closureOf(repo, 'stages/s.ts'))).test(b))).toHaveLength(1);
    expect(second).toEqual(expect.arrayContaining(first));
  });

  test("a stage's throw names its own file and line, not the bundle's", () => {
    const repo = makeRepo({
      'pipeline.yaml': 'version: 1\nstages:\n  boom:\n    uses: stages/boom.ts\n',
      'stages/boom.ts': "import { fail } from '../lib/fail.ts';\nexport default {\n  params: { type: 'object' },\n  async run() {\n    fail();\n  },\n};\n",
      'lib/fail.ts': "\n\nexport function fail(): never {\n  throw new Error('the rows are gone');\n}\n",
    });
    const r = cliProcess(repo, 'repro');
    expect(r.code).toBe(1);
    expect(bundles(repo)).toHaveLength(1);
    expect(r.err).toMatch(/stage threw: the rows are gone/);
    expect(r.err).toMatch(/lib\/fail\.ts:4:9/);
    expect(r.err).not.toMatch(/\.grokpipe\/cache\/modules/);
  });

  test('import.meta beyond url, dirname and filename, a module that does not compile, a file outside the closure or a read-only cache: the module itself is imported', async () => {
    const repo = makeRepo({
      'stages/resolves.ts': "export const r = import.meta.resolve('./x.ts');\nexport default {};\n",
      'stages/plain.ts': 'export default { n: 1 };\n',
      'stages/broken.ts': "import { nothing } from './plain.ts';\nexport default { nothing };\n",
    });
    const store = { dir: join(repo.dir, '.grokpipe/cache/modules'), writable: true };
    for (const m of ['stages/resolves.ts', 'stages/broken.ts']) expect(await runnableModule(repo.dir, m, closureOf(repo, m), store)).toBe(join(repo.dir, m));
    // A file the bundler reaches that the closure does not hold (the resolvers disagreeing).
    expect(await runnableModule(repo.dir, 'stages/resolves.ts', closureOf(repo, 'stages/plain.ts'), store)).toBe(join(repo.dir, 'stages/resolves.ts'));
    expect(await runnableModule(repo.dir, 'stages/plain.ts', closureOf(repo, 'stages/plain.ts'), { ...store, writable: false })).toBe(join(repo.dir, 'stages/plain.ts'));
    expect(bundles(repo)).toEqual([]);
    const made = await runnableModule(repo.dir, 'stages/plain.ts', closureOf(repo, 'stages/plain.ts'), store);
    expect(made.startsWith(join(store.dir, '/'))).toBe(true);
    expect(made.slice(store.dir.length + 1)).toMatch(bundleFile(bundleName(repo.dir, 'stages/plain.ts', closureOf(repo, 'stages/plain.ts'))));
    expect(((await import(pathToFileURL(made).href)) as { default: unknown }).default).toEqual({ n: 1 });
  });
});
