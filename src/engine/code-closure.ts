/**
 * The code closure of a stage module: every repository file it imports, transitively, by content.
 *
 * Followed: static `import ... from './x.ts'`, side-effect `import './x.ts'`, `export ... from`,
 * `import('./x.ts')` with a literal, `require('./x')`, and `new URL('./asset.wasm', import.meta.url)`
 * (hashed, not scanned). Not followed: `import type` / `export type` (erased at runtime), dynamic
 * imports of computed strings, node: builtins. Bare package imports are recorded by name and installed
 * version (from node_modules/<name>/package.json): the lock file of npm pins everything below them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { GrokpipeError } from './errors.ts';
import type { FileHashCache } from './file-hash-cache.ts';

export interface CodeClosure {
  /** Repository-relative path (with /) -> sha256 of the file ("missing" for an absent asset). Sorted by path. */
  files: Record<string, string>;
  /** Package name -> installed version ("not installed" when it cannot be found). */
  packages: Record<string, string>;
}

/** The closure's entry for an asset (new URL(..., import.meta.url)) that does not exist. */
export const MISSING = 'missing';

const SCANNED = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx']);
const BUILTINS = new Set(builtinModules);

/** Blanks comments (keeping offsets and newlines) so commented-out imports are not followed. */
export function stripComments(text: string): string {
  const out = text.split('');
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    const d = text[i + 1];
    if (c === '/' && d === '/') {
      while (i < n && text[i] !== '\n') out[i++] = ' ';
    } else if (c === '/' && d === '*') {
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] !== '\n') out[i] = ' ';
        i++;
      }
      if (i < n) {
        out[i] = ' ';
        out[i + 1] = ' ';
        i += 2;
      }
    } else if (c === '"' || c === "'") {
      i++;
      while (i < n && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '`') {
      i++;
      while (i < n && text[i] !== '`') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else {
      i++;
    }
  }
  return out.join('');
}

const PATTERNS: RegExp[] = [
  /\bimport\s+(?!type\b)(?:[\w*${}\s,]+?)\s*from\s*(['"])([^'"\n]+)\1/g,
  /\bimport\s*(['"])([^'"\n]+)\1/g,
  /\bexport\s+(?!type\b)(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*(['"])([^'"\n]+)\1/g,
  /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*[,)]/g,
  /\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
];
const ASSET = /\bnew\s+URL\s*\(\s*(['"])([^'"\n]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** Import specifiers of a source file; assets are prefixed with "asset:". Order of appearance. */
export function scanImports(text: string): string[] {
  const code = stripComments(text);
  const found: Array<[number, string]> = [];
  for (const re of PATTERNS) {
    re.lastIndex = 0;
    for (let m; (m = re.exec(code)); ) found.push([m.index, m[2]!]);
  }
  ASSET.lastIndex = 0;
  for (let m; (m = ASSET.exec(code)); ) found.push([m.index, `asset:${m[2]!}`]);
  found.sort((a, b) => a[0] - b[0]);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [, s] of found) if (!seen.has(s)) (seen.add(s), out.push(s));
  return out;
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function packageVersion(root: string, name: string, memo: Map<string, string>): string {
  const hit = memo.get(name);
  if (hit) return hit;
  let dir = root;
  let version = 'not installed';
  for (;;) {
    const pj = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(pj)) {
      try {
        version = String((JSON.parse(readFileSync(pj, 'utf8')) as { version?: string }).version ?? 'unknown');
      } catch {
        version = 'unreadable package.json';
      }
      break;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  memo.set(name, version);
  return version;
}

function resolveRelative(fromAbs: string, spec: string): string | null {
  const base = resolve(dirname(fromAbs), spec);
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  if (isFile(base)) return base;
  const ext = extname(base);
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') {
    const ts = base.slice(0, -ext.length) + ext.replace('js', 'ts');
    if (isFile(ts)) return ts;
  }
  for (const e of ['.ts', '.mts', '.tsx', '.js', '.mjs', '/index.ts', '/index.js']) if (isFile(base + e)) return base + e;
  return null;
}

export function toRepoPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

export class ClosureResolver {
  private readonly memo = new Map<string, CodeClosure>();
  private readonly versions = new Map<string, string>();
  constructor(
    readonly root: string,
    readonly cache: FileHashCache,
  ) {}

  /** Closure of one or more repository-relative entry files (a cmd stage's `code:` list). */
  closure(entries: string[]): CodeClosure {
    const id = entries.join('\n');
    const hit = this.memo.get(id);
    if (hit) return hit;
    const files = new Map<string, string>();
    const packages = new Map<string, string>();
    const queue = entries.map((e) => join(this.root, e));
    while (queue.length) {
      const abs = queue.shift()!;
      const rel = toRepoPath(this.root, abs);
      if (files.has(rel)) continue;
      if (!SCANNED.has(extname(abs))) {
        files.set(rel, this.cache.hash(abs));
        continue;
      }
      const { sha, imports } = this.cache.imports(abs, scanImports);
      files.set(rel, sha);
      for (const raw of imports) {
        const asset = raw.startsWith('asset:');
        const spec = asset ? raw.slice(6) : raw;
        if (spec.startsWith('node:') || BUILTINS.has(spec) || spec.startsWith('#') || spec.startsWith('data:')) continue;
        if (!spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('file:')) {
          if (asset) continue;
          const name = packageName(spec);
          packages.set(name, packageVersion(this.root, name, this.versions));
          continue;
        }
        if (asset) {
          // An asset may be a build product (e.g. build/kernels.wasm) that does not exist yet: it enters
          // the closure as "missing", so building it later changes the key, and the stage decides at run
          // time whether it can do without it.
          const target = resolve(dirname(abs), spec);
          const targetRel = toRepoPath(this.root, target);
          if (targetRel.startsWith('../') || targetRel === '..') throw this.importError(abs, rel, spec, `it is outside the repository (${target})`);
          if (!existsSync(target)) files.set(targetRel, MISSING);
          else queue.push(target);
          continue;
        }
        const target = spec.startsWith('file:') ? new URL(spec).pathname : spec.startsWith('/') ? spec : resolveRelative(abs, spec);
        if (!target || !existsSync(target)) {
          throw this.importError(abs, rel, spec, 'no such file');
        }
        const targetRel = toRepoPath(this.root, target);
        if (targetRel.startsWith('../') || targetRel === '..') {
          throw this.importError(abs, rel, spec, `it is outside the repository (${target})`);
        }
        queue.push(target);
      }
    }
    const result: CodeClosure = {
      files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      packages: Object.fromEntries([...packages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    };
    this.memo.set(id, result);
    return result;
  }

  private importError(abs: string, rel: string, spec: string, why: string): GrokpipeError {
    const text = readFileSync(abs, 'utf8');
    const at = text.indexOf(spec);
    const before = at >= 0 ? text.slice(0, at) : '';
    const line = before.split('\n').length;
    const column = at >= 0 ? at - before.lastIndexOf('\n') : 1;
    return new GrokpipeError({
      title: `cannot follow import \`${spec}\` in the code closure`,
      file: rel,
      line,
      column,
      span: spec.length,
      sourceLine: text.split('\n')[line - 1],
      expected: 'a relative import of a file inside the repository',
      found: why,
      hint: 'stage code must live in the repository so that its content enters the key; type-only imports (import type) are not followed',
    });
  }
}
