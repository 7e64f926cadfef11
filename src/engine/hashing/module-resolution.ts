/**
 * Where an import specifier leads, decided as Node (with tsx's TypeScript additions) decides at run
 * time: relative and absolute paths and file: URLs (with `.js` written for a `.ts` file, and missing
 * extensions, as tsx allows), package.json "imports" (`#lib/x.ts`), a package importing itself by name
 * through its "exports", "paths" and "baseUrl" of the importing file's tsconfig.json with its "extends"
 * (tsconfig-files.ts, the reader the key's compiler component uses too), node: builtins, and bare packages (whose
 * files live in node_modules and are pinned by npm's lock file; the closure records name and version).
 *
 * Every file is returned by its real path: Node loads a symlinked module from its target, and a link
 * pointing outside the repository must not pass a check that only reads the link's own name.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ImportKind } from './import-scan.ts';
import { isFile, nearestConfig, pathMapping, type PathMapping } from './tsconfig-files.ts';

export type Resolution =
  /** `path` is the real path; `lexical` the path as named, before symlinks were followed. */
  | { kind: 'file'; path: string; lexical: string }
  | { kind: 'missing-asset'; path: string }
  | { kind: 'package'; name: string }
  | { kind: 'builtin' }
  | { kind: 'inline' }
  | { kind: 'unresolved'; why: string; hint?: string };

const BUILTINS = new Set(builtinModules);

interface PackageJson {
  name?: string;
  imports?: Record<string, unknown>;
  exports?: unknown;
}

export function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}


export class ModuleResolver {
  private readonly packageJsons = new Map<string, { dir: string; json: PackageJson } | null>();
  private readonly pathMappings = new Map<string, PathMapping | null>();

  constructor(readonly root: string) {}

  resolve(spec: string, from: string, kind: ImportKind): Resolution {
    if (kind === 'asset') return this.asset(spec, from);
    if (spec.startsWith('node:') || BUILTINS.has(spec)) return { kind: 'builtin' };
    if (spec.startsWith('data:')) return { kind: 'inline' };
    if (spec.startsWith('file:')) return this.file(fileURLToPath(spec), spec);
    if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || isAbsolute(spec)) return this.file(resolve(dirname(from), spec), spec);
    if (/^[a-z][a-z0-9+.-]*:/i.test(spec)) return { kind: 'unresolved', why: `a URL of scheme ${spec.split(':')[0]}:, which is not a file in the repository` };
    const conditions = kind === 'require' ? ['node', 'require', 'default'] : ['node', 'import', 'default'];
    if (spec.startsWith('#')) return this.packageImports(spec, from, conditions);
    const viaTs = this.tsconfigPaths(spec, from);
    if (viaTs) return viaTs;
    const self = this.selfReference(spec, from, conditions);
    if (self) return self;
    return { kind: 'package', name: packageName(spec) };
  }

  /** new URL(spec, import.meta.url): URL semantics (so `k.wasm` is relative); absent files stay in as missing. */
  private asset(spec: string, from: string): Resolution {
    let url: URL;
    try {
      url = new URL(spec, pathToFileURL(from));
    } catch {
      return { kind: 'unresolved', why: 'not a valid URL' };
    }
    if (url.protocol === 'data:') return { kind: 'inline' };
    if (url.protocol !== 'file:') return { kind: 'unresolved', why: `a URL of scheme ${url.protocol}, which is not a file in the repository` };
    const path = fileURLToPath(url);
    if (!existsSync(path)) return { kind: 'missing-asset', path };
    if (!isFile(path)) return { kind: 'unresolved', why: `${path} is not a regular file`, hint: 'an asset must be one file, so that its bytes can enter the key' };
    return { kind: 'file', path: realpathSync(path), lexical: path };
  }

  /** A path with tsx's leniency: `.js` may name the `.ts` file, the extension or `/index` may be left out. */
  private file(base: string, spec: string): Resolution {
    const candidates = [base];
    const ext = extname(base);
    if (ext === '.js' || ext === '.mjs' || ext === '.cjs' || ext === '.jsx') candidates.push(base.slice(0, -ext.length) + ext.replace('js', 'ts'));
    for (const e of ['.ts', '.mts', '.tsx', '.js', '.mjs', '.cjs', '/index.ts', '/index.js']) candidates.push(base + e);
    for (const c of candidates) if (isFile(c)) return { kind: 'file', path: realpathSync(c), lexical: c };
    return { kind: 'unresolved', why: `no such file (${spec.startsWith('#') ? '' : 'looked for '}${base})` };
  }

  /** The package.json of the package scope holding `file` (the nearest one above it), if any. */
  private scope(file: string): { dir: string; json: PackageJson } | null {
    let dir = dirname(file);
    const visited: string[] = [];
    let found: { dir: string; json: PackageJson } | null = null;
    for (;;) {
      const hit = this.packageJsons.get(dir);
      if (hit !== undefined) {
        found = hit;
        break;
      }
      visited.push(dir);
      const pj = join(dir, 'package.json');
      if (isFile(pj)) {
        try {
          found = { dir, json: JSON.parse(readFileSync(pj, 'utf8')) as PackageJson };
        } catch {
          found = { dir, json: {} };
        }
        break;
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    for (const d of visited) this.packageJsons.set(d, found);
    return found;
  }

  private packageImports(spec: string, from: string, conditions: string[]): Resolution {
    const scope = this.scope(from);
    if (!scope?.json.imports) return { kind: 'unresolved', why: `no package.json above ${from} has an "imports" field`, hint: 'declare the alias under "imports" in package.json' };
    const target = matchSubpath(scope.json.imports, spec, conditions);
    if (target === null) return { kind: 'unresolved', why: `${join(scope.dir, 'package.json')} "imports" has no entry matching ${spec} (for conditions ${conditions.join(', ')})`, hint: 'add the alias to "imports" in package.json' };
    if (target.startsWith('./')) return this.file(join(scope.dir, target), spec);
    if (target.startsWith('#') || target.startsWith('.') || target.startsWith('/')) return { kind: 'unresolved', why: `"imports" maps ${spec} to ${target}, which Node refuses (a target is ./relative or a package)` };
    return this.resolve(target, from, conditions.includes('require') ? 'require' : 'import');
  }

  /** `import x from 'grokpipe/sub'` inside the grokpipe package itself, through its "exports". */
  private selfReference(spec: string, from: string, conditions: string[]): Resolution | null {
    const scope = this.scope(from);
    const name = scope?.json.name;
    if (!scope || !name || scope.json.exports === undefined || (spec !== name && !spec.startsWith(`${name}/`))) return null;
    const sub = spec === name ? '.' : `.${spec.slice(name.length)}`;
    const exp = scope.json.exports;
    const map: Record<string, unknown> = typeof exp === 'string' || Array.isArray(exp) || (isObject(exp) && !Object.keys(exp).some((k) => k.startsWith('.'))) ? { '.': exp } : (exp as Record<string, unknown>);
    const target = matchSubpath(map, sub, conditions);
    if (target === null || !target.startsWith('./')) return { kind: 'unresolved', why: `${join(scope.dir, 'package.json')} "exports" has no entry for ${sub}` };
    return this.file(join(scope.dir, target), spec);
  }

  private tsconfigPaths(spec: string, from: string): Resolution | null {
    const ts = this.pathMapping(from);
    if (!ts) return null;
    let best: { prefix: string; suffix: string; targets: string[] } | null = null;
    for (const [pattern, targets] of Object.entries(ts.paths)) {
      const star = pattern.indexOf('*');
      const prefix = star < 0 ? pattern : pattern.slice(0, star);
      const suffix = star < 0 ? '' : pattern.slice(star + 1);
      const hit = star < 0 ? spec === pattern : spec.startsWith(prefix) && spec.endsWith(suffix) && spec.length >= prefix.length + suffix.length;
      if (hit && (!best || prefix.length > best.prefix.length)) best = { prefix, suffix, targets };
    }
    if (best) {
      const middle = spec.slice(best.prefix.length, spec.length - best.suffix.length);
      for (const t of best.targets) {
        const r = this.file(resolve(ts.pathsBase, t.replace('*', middle)), spec);
        if (r.kind === 'file') return r;
      }
      return { kind: 'unresolved', why: `tsconfig.json "paths" maps ${spec} to ${best.targets.join(', ')}, and none of them is a file`, hint: 'fix the alias in tsconfig.json or the import' };
    }
    if (ts.baseUrl) {
      const r = this.file(resolve(ts.baseUrl, spec), spec);
      if (r.kind === 'file') return r;
    }
    return null;
  }

  /** The "paths" and "baseUrl" in force for `from`: its nearest config's, "extends" followed (tsconfig-files.ts). */
  private pathMapping(from: string): PathMapping | null {
    const config = nearestConfig(from);
    if (config === null) return null;
    if (!this.pathMappings.has(config)) this.pathMappings.set(config, pathMapping(config));
    return this.pathMappings.get(config)!;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Node's PACKAGE_IMPORTS_EXPORTS_RESOLVE: an exact key, else the longest `*` pattern; then conditions. */
function matchSubpath(map: Record<string, unknown>, key: string, conditions: string[]): string | null {
  if (key in map && !key.includes('*')) return pickTarget(map[key], conditions, null);
  let best: string | null = null;
  for (const k of Object.keys(map)) {
    const star = k.indexOf('*');
    if (star < 0) continue;
    const prefix = k.slice(0, star);
    const suffix = k.slice(star + 1);
    if (key.startsWith(prefix) && key !== prefix && key.endsWith(suffix) && key.length >= k.length && (!best || prefix.length > best.indexOf('*'))) best = k;
  }
  if (!best) return null;
  const star = best.indexOf('*');
  return pickTarget(map[best], conditions, key.slice(star, key.length - (best.length - star - 1)));
}

function pickTarget(target: unknown, conditions: string[], star: string | null): string | null {
  if (typeof target === 'string') return star === null ? target : target.split('*').join(star);
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = pickTarget(t, conditions, star);
      if (r !== null) return r;
    }
    return null;
  }
  if (isObject(target)) {
    for (const [cond, t] of Object.entries(target)) {
      if (!conditions.includes(cond)) continue;
      const r = pickTarget(t, conditions, star);
      if (r !== null) return r;
    }
  }
  return null;
}
