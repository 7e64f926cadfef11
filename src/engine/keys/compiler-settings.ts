/**
 * The tsconfig.json and jsconfig.json files esbuild reads for a closure's files, read once here for both
 * uses: the bundle's name holds every such file by content (module-bundle.ts: more than counts, so that a
 * bundle is never stale), and the key's `compiler` component holds the effective options that change the
 * emitted code (less than the files: an edit that cannot change what runs must not move a key).
 *
 * Which config governs a file and how its `extends` chain merges is hashing/tsconfig-files.ts, which the
 * module resolver reads too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Json } from '../../core/canonical-json.ts';
import { basesOf, configOptions, nearestConfig, parsedConfig, resolveExtends, TSCONFIGS } from '../hashing/tsconfig-files.ts';

/**
 * The compilerOptions esbuild honours (esbuild's "tsconfig" documentation), each of which can change the
 * code it emits or the files it resolves; `target` because it decides useDefineForClassFields' default,
 * `strict` because it implies alwaysStrict. Type-checking and output options (strictNullChecks, noEmit,
 * outDir...) change nothing esbuild emits and stay out of the key.
 */
const EMIT_OPTIONS = [
  'alwaysStrict',
  'baseUrl',
  'experimentalDecorators',
  'importsNotUsedAsValues',
  'jsx',
  'jsxFactory',
  'jsxFragmentFactory',
  'jsxImportSource',
  'paths',
  'preserveValueImports',
  'strict',
  'target',
  'useDefineForClassFields',
  'verbatimModuleSyntax',
] as const;
/** Stands for the options of a config that cannot be read or parsed (esbuild refuses it; tsx then runs the module). */
const UNREADABLE = '(unreadable)';
/** The name of a config above the repository's root: one at most governs, the nearest above the root. */
export const OUTSIDE_REPOSITORY = '(outside the repository)';

/**
 * Every tsconfig.json and jsconfig.json esbuild could read for `files` (repository-relative), by absolute
 * path and content: in each file's folder and every folder above it up to the filesystem's root (a
 * tsconfig.json above the repository applies too), and the files their "extends" name. More than the
 * nearest one, so that the bundle's name never misses a file that counts; an unreadable one counts as its
 * error. Absolute paths are fine here: the bundle's name is a cache's, never a key's.
 */
export function compilerSettings(root: string, files: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (file: string) => {
    if (file in out) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    out[file] = text;
    let bases: string[] = [];
    try {
      bases = basesOf(parsedConfig(text));
    } catch {
      // esbuild refuses a config that does not parse; its text is in the name all the same
    }
    for (const ext of bases) {
      const found = resolveExtends(file, ext);
      if (found) add(found);
      else out[`${file} extends`] = `unresolved ${ext}`;
    }
  };
  const seenDirs = new Set<string>();
  for (const f of files) {
    for (let dir = dirname(join(root, f)); !seenDirs.has(dir); dir = dirname(dir)) {
      seenDirs.add(dir);
      for (const name of TSCONFIGS) if (existsSync(join(dir, name))) add(join(dir, name));
      if (dirname(dir) === dir) break;
    }
  }
  return out;
}

/**
 * The key's view of the same files: for each config that governs some of `files`, named by its folder
 * (repository-relative, "." for the root, OUTSIDE_REPOSITORY above it; never an absolute path), the merged
 * options of EMIT_OPTIONS it sets. A config that sets none of them is left out, so that adding one that
 * only type-checks moves no key. `baseUrl` is given repository-relative, as resolved from the config that
 * sets it.
 */
export function effectiveCompilerOptions(root: string, files: readonly string[]): Record<string, Record<string, Json>> {
  const out: Record<string, Record<string, Json>> = {};
  for (const config of new Set(files.map((f) => nearestConfig(join(root, f))).filter((c): c is string => c !== null))) {
    const { options, unreadable } = configOptions(config);
    const merged: Record<string, Json> = Object.fromEntries(Object.entries(options).map(([name, set]) => [name, set.value]));
    if (typeof options.baseUrl?.value === 'string') merged.baseUrl = folderName(root, resolve(dirname(options.baseUrl.config), options.baseUrl.value));
    if (unreadable) merged[UNREADABLE] = `${folderName(root, dirname(unreadable.config))}: ${unreadable.error}`;
    const kept = Object.fromEntries([...EMIT_OPTIONS, UNREADABLE].filter((o) => o in merged).map((o) => [o, merged[o]!]));
    if (Object.keys(kept).length) out[folderName(root, dirname(config))] = kept;
  }
  return out;
}

function folderName(root: string, dir: string): string {
  const rel = relative(root, dir);
  if (rel.startsWith('..') || isAbsolute(rel)) return OUTSIDE_REPOSITORY;
  return rel === '' ? '.' : rel.split(sep).join('/');
}
