/**
 * The code closure of a stage module: every repository file it imports, transitively, by content.
 *
 * Imports are found by lexing (import-scan.ts: static, side-effect, `export ... from`, `import()` of a
 * string or a template literal without substitutions, `require()`, `new URL('<file>', import.meta.url)`
 * assets, which are hashed, not scanned) and resolved as Node and tsx resolve them at run time
 * (module-resolution.ts: relative paths, package.json "imports" and self-reference "exports", tsconfig
 * "paths"). Erased: `import type` / `export type` and type positions. Refused with file:line:col: a
 * specifier that is an expression, an import that resolves to nothing, and any file whose real path
 * (symlinks followed) is outside the repository. Bare package imports are recorded by name and
 * installed version (from node_modules/<name>/package.json): the lock file of npm pins everything
 * below them; a package linked in (workspace, `file:`, `npm link`) also by the content of its files.
 *
 * Why not esbuild's metafile, which lists the files a stage's bundle read (module-bundle.ts)? For this
 * study's module stages both give the same files and packages, but the metafile misses what the bundler
 * leaves to run time, which the key must still hold or refuse: `require()` through createRequire, a
 * package's self-reference through "exports" (external under `packages: 'external'`), assets, and a
 * computed `import()`, `require()` or `new URL()` (esbuild accepts them silently). It also drops an
 * import whose bindings are unused (TypeScript elision), so an unresolvable one passes unseen; and it
 * costs a bundler run per stage on every `status`, where this walk reads its cached scans. The bundle is
 * checked against this closure instead: a file or package outside it means tsx runs the module.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { GrokpipeError } from '../errors.ts';
import { fileKind, type FileHashCache } from './file-hash-cache.ts';
import { loaderFor, scanImports, type ScannedImport } from './import-scan.ts';
import { ModuleResolver } from './module-resolution.ts';

export interface CodeClosure {
  /** Repository-relative path (with /) -> sha256 of the file ("missing" for an absent asset). Sorted by path. */
  files: Record<string, string>;
  /** Package name -> installed version ("not installed" when it cannot be found). */
  packages: Record<string, string>;
}

/** The closure's entry for an asset (new URL(..., import.meta.url)) that does not exist. */
export const MISSING = 'missing';

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

export function toRepoPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

function shorten(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Every regular file under a linked package's folder, sorted, without its node_modules and .git. */
function packageFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      if (ent.name === 'node_modules' || ent.name === '.git') continue;
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) walk(join(d, ent.name), r);
      else if (ent.isFile()) out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith('../') || rel.startsWith('/');
}

export class ClosureResolver {
  private readonly memo = new Map<string, CodeClosure>();
  private readonly versions = new Map<string, string>();
  private readonly linked = new Map<string, [string, string][]>();
  private readonly modules: ModuleResolver;
  /** The repository's real path: every file is compared with it after its own symlinks are resolved. */
  private readonly realRoot: string;
  constructor(
    readonly root: string,
    readonly cache: FileHashCache,
  ) {
    this.realRoot = realpathSync(root);
    this.modules = new ModuleResolver(this.realRoot);
  }

  /** Closure of one or more repository-relative entry files (a cmd stage's `code:` list). */
  closure(entries: string[]): CodeClosure {
    const id = entries.join('\n');
    const hit = this.memo.get(id);
    if (hit) return hit;
    const files = new Map<string, string>();
    const packages = new Map<string, string>();
    const queue = entries.map((e) => this.entry(e));
    while (queue.length) {
      const abs = queue.shift()!;
      const rel = toRepoPath(this.realRoot, abs);
      if (files.has(rel)) continue;
      if (!loaderFor(extname(abs))) {
        files.set(rel, this.cache.hash(abs));
        continue;
      }
      const { sha, imports } = this.cache.imports(abs, (text) => scanImports(text, rel, extname(abs)));
      files.set(rel, sha);
      for (const imp of imports) {
        if (imp.computed) throw this.computedError(abs, rel, imp);
        const r = this.modules.resolve(imp.spec, abs, imp.kind);
        switch (r.kind) {
          case 'builtin':
          case 'inline':
            break;
          case 'package':
            packages.set(r.name, packageVersion(this.realRoot, r.name, this.versions));
            for (const [path, sha] of this.linkedPackageFiles(r.name)) files.set(path, sha);
            break;
          case 'missing-asset': {
            // An asset may be a build product (e.g. build/kernels.wasm) that does not exist yet: it enters
            // the closure as "missing", so building it later changes the key, and the stage decides at run
            // time whether it can do without it.
            const targetRel = toRepoPath(this.realRoot, r.path);
            if (isOutside(targetRel)) throw this.importError(abs, rel, imp, `it is outside the repository (${r.path})`);
            files.set(targetRel, MISSING);
            break;
          }
          case 'file': {
            const targetRel = toRepoPath(this.realRoot, r.path);
            if (isOutside(targetRel)) {
              const named = toRepoPath(this.realRoot, r.lexical);
              const viaLink = isOutside(named) ? null : named;
              throw this.importError(abs, rel, imp, `it is outside the repository (${r.path}, symlinks followed)`, viaLink ? `${viaLink} is a symlink (or lies in a symlinked folder) leading out of the repository: the closure holds repository files only, by real path; copy the file (or folder) into the repository instead of linking to it` : undefined);
            }
            queue.push(r.path);
            break;
          }
          case 'unresolved':
            throw this.importError(abs, rel, imp, r.why, r.hint);
        }
      }
    }
    const result: CodeClosure = {
      files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      packages: Object.fromEntries([...packages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    };
    this.memo.set(id, result);
    return result;
  }

  /**
   * The files of a package that npm did not install from its registry but links to (a workspace
   * package, node_modules/mylib -> packages/mylib; a `file:` dependency; `npm link`): its version number
   * says nothing about its code, which is edited in place. Such a package is one whose real folder does
   * not lie in a node_modules folder; every regular file in it (its own node_modules and .git left out)
   * enters the closure by content, named by its repository path (by its node_modules path when the link
   * leads out of the repository). A registry package gives none: npm's lock pins its bytes.
   */
  private linkedPackageFiles(name: string): [string, string][] {
    const hit = this.linked.get(name);
    if (hit) return hit;
    const out: [string, string][] = [];
    let dir = this.realRoot;
    for (;;) {
      const named = join(dir, 'node_modules', name);
      if (existsSync(join(named, 'package.json'))) {
        const real = realpathSync(named);
        if (!real.split(sep).includes('node_modules')) {
          const inside = !isOutside(toRepoPath(this.realRoot, real));
          const base = inside ? toRepoPath(this.realRoot, real) : toRepoPath(this.realRoot, named);
          for (const f of packageFiles(real)) out.push([`${base}/${f}`, this.cache.hash(join(real, f))]);
        }
        break;
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    this.linked.set(name, out);
    return out;
  }

  /** An entry file by its real path, refused when a symlink takes it outside the repository. */
  private entry(rel: string): string {
    const lexical = join(this.root, rel);
    let real: string;
    try {
      real = realpathSync(lexical);
    } catch {
      throw new GrokpipeError({ title: `cannot read ${rel} for the code closure`, file: rel, expected: 'a file in the repository', found: 'no such file' });
    }
    const realRel = toRepoPath(this.realRoot, real);
    const st = statSync(real);
    if (!st.isFile() && !isOutside(realRel)) {
      throw new GrokpipeError({ title: `${rel} cannot be hashed for the code closure`, file: rel, expected: 'a regular file in the repository', found: `${fileKind(st)}${real === lexical ? '' : ` (${real})`}`, hint: 'name a file: a folder, pipe or device has no content to key (list data folders under `files:`)' });
    }
    if (isOutside(realRel)) {
      throw new GrokpipeError({
        title: `${rel} is outside the repository`,
        file: rel,
        expected: 'stage code inside the repository, so that its content enters the key',
        found: `a symlink to ${real}`,
        hint: 'copy the file into the repository instead of linking to it',
      });
    }
    return real;
  }

  private computedError(abs: string, rel: string, imp: ScannedImport): GrokpipeError {
    const what = imp.kind === 'asset' ? 'new URL(..., import.meta.url)' : imp.kind === 'require' ? 'require()' : 'import()';
    return new GrokpipeError({
      title: `cannot follow ${what} of a computed specifier in the code closure`,
      file: rel,
      line: imp.line,
      column: imp.column,
      span: Math.max(1, Math.min(imp.spec.length, 80)),
      sourceLine: readFileSync(abs, 'utf8').split('\n')[imp.line - 1],
      expected: `a string literal (or a template literal without \${}), so that the key knows which file is loaded`,
      found: imp.spec.startsWith('`') ? shorten(imp.spec) : `\`${shorten(imp.spec)}\``,
      hint: 'write the specifier literally (one import per file, e.g. a switch over literal imports); for an optional package, write its name as a string literal (`import(\'pkg\' as string)` keeps TypeScript from checking it)',
    });
  }

  private importError(abs: string, rel: string, imp: ScannedImport, why: string, hint?: string): GrokpipeError {
    return new GrokpipeError({
      title: `cannot follow import \`${imp.spec}\` in the code closure`,
      file: rel,
      line: imp.line,
      column: imp.column,
      span: Math.max(1, imp.spec.length),
      sourceLine: readFileSync(abs, 'utf8').split('\n')[imp.line - 1],
      expected: 'an import of a file inside the repository (relative, package.json "imports", tsconfig "paths") or of an installed package',
      found: why,
      hint: hint ?? 'stage code must live in the repository so that its content enters the key; type-only imports (import type) are not followed',
    });
  }
}
