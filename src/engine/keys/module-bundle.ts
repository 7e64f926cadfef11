/**
 * A TypeScript stage module compiled, with the repository code it imports, into one JavaScript file that
 * Node imports by itself: the engine reads the module's params schema from it and the stage's process
 * runs it, so neither goes through tsx's loader. Under Node 20 that loader resolves and loads every
 * imported file through a separate thread; for this study's stages that was most of `grokpipe status`'s
 * time and half a stage process's start.
 *
 * A bundle is named by what decides its code: the module, the content of every repository file in its
 * code closure (code-closure.ts, the same files that enter the key), the bundler's version, options and
 * target, this file's format number, and every tsconfig.json or jsconfig.json the bundler could read for
 * those files (in their folders and every folder above, outside the repository too, with the files they
 * extend), since options such as useDefineForClassFields change the emitted code. An edited file or
 * setting is a new name, never a stale bundle, and `repro --force` never reuses a bundle built under
 * other settings. Bundles live in the repository's cache (.grokpipe/cache/modules/); packages stay outside
 * the bundle and resolve from the repository's node_modules as before.
 *
 * A bundle's name ends with the hash of its own bytes, checked each time before it is used: a bundle
 * edited in the cache (by hand, by a stage, by a tool) is not run but made again, so a cache can never
 * change what a key's run produces.
 *
 * What bundling could change is refused, and the module then loads through tsx as before (slower, never
 * wrong): a file the bundler reaches that is not in the closure, or a package import the closure did not
 * record as a package (the two resolvers disagreeing), or `import.meta` used for more than url, dirname and
 * filename (those are each file's own, not the bundle's). A module that does not compile loads through tsx
 * too, which reports the error at its file and line as before.
 */
import { readFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { basename, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeClosure } from '../hashing/code-closure.ts';
import { writeFileAtomic } from '../fs-atomic.ts';
import { ContentNamedFolder } from '../content-named.ts';
import { sha256OfJson } from '../sha256.ts';
import { isTypeScriptModule } from './typescript-modules.ts';
import { moduleBundleDir } from '../dot-grokpipe.ts';
import { compilerSettings, effectiveCompilerOptions } from './compiler-settings.ts';
import type { Json } from '../../core/canonical-json.ts';

/** Bumped whenever the way a bundle is made changes (plugin, naming), so old bundles are not reused. */
const BUNDLE_FORMAT = 2;
/** esbuild's options that decide the output (the paths and the plugin are added per build); the key's `compiler.bundle`. */
const BUILD_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  sourcesContent: false,
} as const;
const ESBUILD_VERSION = (createRequire(import.meta.url)('esbuild/package.json') as { version: string }).version;
const META = { url: '__grokpipe_import_meta_url', dirname: '__grokpipe_import_meta_dirname', filename: '__grokpipe_import_meta_filename' } as const;
/** `import.meta` other than .url, .dirname, .filename (e.g. .resolve, or the object itself). */
const OTHER_IMPORT_META = /\bimport\.meta\b(?!\s*\.\s*(url|dirname|filename)\b)/;
const SOURCE = /\.(m|c)?[jt]sx?$/;
const BUILTINS = new Set(builtinModules);

export interface BundleStore {
  dir: string;
  writable: boolean;
}

class NotBundled extends Error {}

/** Where a repository's bundles live (what `grokpipe gc` empties). */
export function bundleDir(root: string): string {
  return moduleBundleDir(root);
}

/**
 * The key's `compiler` component of a module stage: what decides the code its closure compiles to, as data
 * to print and diff (no absolute path): esbuild's version, the build options above, and the effective
 * emitting options of each tsconfig that governs closure files (compiler-settings.ts).
 */
export function compilerComponent(root: string, closure: CodeClosure): Json {
  return { esbuild: ESBUILD_VERSION, bundle: BUILD_OPTIONS, tsconfig: effectiveCompilerOptions(root, Object.keys(closure.files)) };
}

/**
 * The start of the bundle's file name: the module's name (to read a listing by) and the hash of what
 * decides its code. The name goes on with `.<sha256 of the bundle's bytes>.mjs`.
 */
export function bundleName(root: string, modulePath: string, closure: CodeClosure): string {
  const digest = sha256OfJson({ format: BUNDLE_FORMAT, esbuild: ESBUILD_VERSION, options: BUILD_OPTIONS, module: modulePath, files: closure.files, tsconfig: compilerSettings(root, Object.keys(closure.files)) }).slice(0, 24);
  return `${basename(modulePath).replace(SOURCE, '')}.${digest}`;
}

/**
 * The absolute path of the file to import for the stage module `modulePath` (repository-relative): its
 * bundle, made now if needed and the store can be written; otherwise the module itself. JavaScript
 * modules are imported as they are: Node needs no help with them.
 */
export async function runnableModule(root: string, modulePath: string, closure: CodeClosure, store: BundleStore | null): Promise<string> {
  const source = join(root, modulePath);
  if (!store || !isTypeScriptModule(modulePath)) return source;
  const stem = bundleName(root, modulePath, closure);
  const folder = new ContentNamedFolder(store.dir, '.mjs', store.writable);
  const found = folder.find(stem);
  if (found) return found.file;
  if (!store.writable) return source;
  try {
    // The source map is named by the stem (the bundle's last line links to it by that name); the bundle
    // by its bytes as well.
    const mapped = join(store.dir, `${stem}.mjs`);
    const { code, map } = await bundle(root, source, mapped, closure);
    const name = folder.nameOf(stem, code);
    writeFileAtomic(`${mapped}.map`, map);
    writeFileAtomic(join(store.dir, name), code);
    folder.added(name);
    return join(store.dir, name);
  } catch (e) {
    if (e instanceof NotBundled || (e as { errors?: unknown }).errors) return source;
    throw e;
  }
}

async function bundle(root: string, entry: string, outfile: string, closure: CodeClosure): Promise<{ code: string; map: string }> {
  const { build } = await import('esbuild');
  const result = await build({
    ...BUILD_OPTIONS,
    entryPoints: [entry],
    outfile,
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
    define: { 'import.meta.url': META.url, 'import.meta.dirname': META.dirname, 'import.meta.filename': META.filename },
    plugins: [
      {
        name: 'grokpipe-own-import-meta',
        setup(b) {
          b.onLoad({ filter: SOURCE }, async (args) => {
            let text = await readFile(args.path, 'utf8');
            if (text.includes('import.meta')) {
              if (OTHER_IMPORT_META.test(text)) throw new NotBundled(`${args.path} uses import.meta beyond url, dirname and filename`);
              // Declared on the file's first line, so that every line keeps its number in stack traces.
              const url = pathToFileURL(args.path).href;
              text = `const ${META.url} = ${JSON.stringify(url)}, ${META.filename} = ${JSON.stringify(args.path)}, ${META.dirname} = ${JSON.stringify(join(args.path, '..'))}; ${text}`;
            }
            const ext = args.path.match(SOURCE)![0];
            return { contents: text, loader: ext.includes('t') ? (ext.endsWith('x') ? 'tsx' : 'ts') : ext.endsWith('x') ? 'jsx' : 'js' };
          });
        },
      },
    ],
  }).catch((e: unknown) => {
    // esbuild wraps a plugin's throw in its own error; ours means "do not bundle", not "broken".
    const inner = (e as { errors?: { detail?: unknown }[] }).errors?.find((x) => x.detail instanceof NotBundled)?.detail;
    throw inner ?? e;
  });
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = relative(root, join(root, input)).split(sep).join('/');
    if (!(path in closure.files)) throw new NotBundled(`${path} is bundled but not in the code closure`);
  }
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || imp.path.startsWith('node:') || BUILTINS.has(imp.path)) continue;
      const name = imp.path.startsWith('@') ? imp.path.split('/').slice(0, 2).join('/') : imp.path.split('/')[0]!;
      if (!(name in closure.packages)) throw new NotBundled(`${imp.path} is imported as a package the code closure does not record`);
    }
  }
  const code = result.outputFiles.find((f) => f.path === outfile)!.text;
  const map = result.outputFiles.find((f) => f.path === `${outfile}.map`)!.text;
  return { code, map };
}
