/**
 * Repository files a stage instance reads: `code:` (per stage: scripts, with what they import) and
 * `files:` (per instance: data, `in/${matrix.i}.txt`), and the check that a `cmd:` names no repository
 * file it has not declared.
 *
 * Why a `files:` field beside `code:` rather than interpolating `code:` per instance: `code:` entries
 * are followed as a closure (a .js/.ts file is scanned for imports) and the closure is computed once per
 * stage; data files are hashed as bytes and differ per instance. Keeping them apart keeps the per-stage
 * closure memoised (a no-op at 10,000 instances stats each data file once, nothing more), and `status
 * --why` says `files in/7.txt` rather than mixing data edits with code edits. The name follows `deps:
 * { from, files }`, which already means "the files this instance reads" for upstream outputs.
 *
 * Why an undeclared file in `cmd:` is an error, not a warning: a warning scrolls by while the build
 * stays silently stale (the bug this guards against is an edit that reruns nothing); declaring a file
 * costs one line, and a false positive (an argument that names a file the command does not read) is
 * fixed the same way at the price of a rerun when that file changes.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { fileKind } from '../hashing/file-hash-cache.ts';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { Json } from '../../core/canonical-json.ts';
import { describeValue } from '../errors.ts';
import type { FileHashCache } from '../hashing/file-hash-cache.ts';
import { interpolate, type Root } from './interpolate.ts';
import type { Project } from './project.ts';
import { OPEN, showExpressions, type FieldPath } from '../yaml-source.ts';

/** One declared data file of an instance. */
export interface RepoFile {
  /** Repository-relative path, normalised. */
  path: string;
  /** Index of the `files:` entry it came from, for messages. */
  entry: number;
}

/** Folders the engine owns: a stage's outputs are read through `deps:`, never as repository files. */
export const ENGINE_OWNED = ['artifacts/', '.grokpipe/'];

/** A relative path as written (`./a//b/../c`), normalised (`a/c`). */
export function normalizeRelative(p: string): string {
  return normalize(p).replace(/^\.\//, '');
}

/** Whether a normalised path leads out of the repository (absolute, or up past its root). */
export function escapesRepository(norm: string): boolean {
  return norm.startsWith('/') || norm === '..' || norm.startsWith('../');
}

/** `code:` after `${vars.*}` interpolation; a per-instance expression there points at `files:`. */
export function resolveCode(project: Project, stage: string, raw: string[], vars: Record<string, Json>): string[] {
  const { src } = project;
  raw.forEach((entry, i) => {
    const m = /\$\u2983\s*(matrix|params)\b[^\u2984]*\u2984/.exec(entry);
    if (m) {
      throw src.errorAt(['stages', stage, 'code', i], {
        title: `\`${showExpressions(m[0])}\` in \`code:\` of stage \`${stage}\`: code is the same for every instance`,
        expected: '`code:` entries that are literal paths or use ${vars.*} only',
        found: `\`${showExpressions(entry)}\``,
        hint: `list per-instance data files under \`files:\` instead, e.g. files: ["${showExpressions(entry)}"]`,
      });
    }
  });
  const resolved = interpolate(raw, { values: { vars }, src, paths: (sub) => [['stages', stage, 'code', ...sub]], place: 'a stage\'s `code:`' });
  return flatStrings(project, stage, 'code', raw, resolved);
}

/**
 * The `files:` of one instance: interpolated, flattened (a var may hold a list), checked, deduplicated.
 * Runs once per instance (10,000 times in a large matrix), so it interpolates only entries that hold
 * an expression and normalises only paths that need it.
 */
export function resolveInstanceFiles(project: Project, stage: string, raw: string[], values: Partial<Record<Root, Json>>, instance: string): RepoFile[] {
  const out: RepoFile[] = [];
  let scope: Parameters<typeof interpolate>[1] | null = null;
  for (let entry = 0; entry < raw.length; entry++) {
    const written = raw[entry]!;
    let v: Json = written;
    if (written.includes(OPEN)) {
      scope ??= { values, src: project.src, paths: (sub) => [['stages', stage, 'files', ...sub]], place: 'a stage\'s `files:`' };
      v = interpolate(written, scope, [entry]);
    }
    const texts = typeof v === 'string' && v !== '' ? [v] : flatStrings(project, stage, 'files', raw, [v], entry);
    for (const text of texts) {
      const path = NEEDS_NORMALIZING.test(text) ? normalizeRelative(text) : text;
      if (escapesRepository(path) || ENGINE_OWNED.some((d) => path.startsWith(d))) throw misplacedFile(project, stage, instance, entry, text, path);
      if (!out.some((f) => f.path === path)) out.push({ path, entry });
    }
  }
  return out;
}

/** A `.` or `..` segment, a doubled or leading slash: the only paths normalize() would change. */
const NEEDS_NORMALIZING = /(^|\/)\.{1,2}(\/|$)|\/\/|^\//;

function misplacedFile(project: Project, stage: string, instance: string, entry: number, text: string, path: string) {
  const at: FieldPath = ['stages', stage, 'files', entry];
  const written = showExpressions(project.raw.stages[stage]?.files?.[entry] ?? text);
  if (escapesRepository(path)) {
    return project.src.errorAt(at, { title: `input file of \`${instance}\` escapes the repository`, expected: 'a path relative to the folder holding pipeline.yaml, inside it', found: `\`${text}\` (from \`${written}\`)` });
  }
  return project.src.errorAt(at, {
    title: `input file of \`${instance}\` is inside the engine's folder \`${path.split('/')[0]}\``,
    expected: 'a repository file that no stage writes',
    found: `\`${path}\` (from \`${written}\`)`,
    hint: 'read another stage\'s outputs through `deps:` (with `files:` there to pick some), so that its key follows them',
  });
}

function flatStrings(project: Project, stage: string, field: string, raw: string[], resolved: Json, offset = 0): string[] {
  const out: string[] = [];
  (resolved as Json[]).forEach((v, k) => {
    const i = k + offset;
    for (const x of Array.isArray(v) ? v : [v]) {
      if (typeof x !== 'string' || x === '') {
        throw project.src.errorAt(['stages', stage, field, i], {
          title: `\`${field}:\` of stage \`${stage}\` holds something other than a path`,
          expected: 'a repository-relative path (a string), or ${vars.x} naming a list of paths',
          found: `${describeValue(x)} (from \`${showExpressions(raw[i] ?? '')}\`)`,
        });
      }
      out.push(x);
    }
  });
  return out;
}

/**
 * Throws when an argument of a cmd instance names an existing repository file that is neither in the
 * stage's `code:` nor in the instance's `files:`. `args[i]` is the i-th `cmd:` entry after
 * interpolation (a list when a whole-value expression expanded to several arguments). Arguments still
 * holding ${deps.*} or ${out} name engine folders and are skipped; `--opt=path` is checked after `=`.
 * An argument that is literally a declared path costs a string comparison; any other is looked up once
 * per plan (`namedFiles`), so 10,000 instances sharing `sh`, `count.sh` stat those once.
 */
export function checkDeclaredFiles(
  project: Project,
  stage: string,
  instance: string,
  rawCmd: string[],
  args: Json[],
  declared: { code: ReadonlySet<string>; files: readonly RepoFile[] },
  namedFiles: (arg: string) => readonly string[],
): void {
  const isDeclared = (path: string) => declared.code.has(path) || declared.files.some((f) => entryCovers(f.path, path));
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const arg of Array.isArray(a) ? a : [a]) {
      if (typeof arg !== 'string' || arg.includes(OPEN) || isDeclared(arg)) continue;
      const path = namedFiles(arg).find((p) => !isDeclared(p));
      if (path === undefined) continue;
      const written = showExpressions(rawCmd[i] ?? arg);
      const looksLikeCode = /\.(sh|bash|py|R|r|pl|rb|js|mjs|cjs|ts|mts|jl|awk|sed)$/.test(path);
      throw project.src.errorAt(['stages', stage, 'cmd', i], {
        title: `the command of \`${instance}\` names repository file \`${path}\`, which is not declared, so edits to it would not rerun the stage`,
        expected: 'every repository file the command reads listed under `code:` (scripts) or `files:` (data), so that its content enters the key',
        found: `\`${written}\`${written === path ? '' : ` (here \`${arg}\`)`}, in neither list`,
        hint: looksLikeCode || !written.includes('${') ? `add it: ${looksLikeCode ? 'code' : 'files'}: [${JSON.stringify(written)}]` : `add it: files: [${JSON.stringify(written)}]`,
      });
    }
  }
}

/** `p` as a normalised repository-relative path, or null when it points outside the repository. */
function repoRelative(root: string, p: string): string | null {
  if (isAbsolute(p)) {
    const rel = relative(root, p).split(sep).join('/');
    return rel === '' || escapesRepository(rel) ? null : rel;
  }
  const norm = normalizeRelative(p);
  return escapesRepository(norm) || norm === '.' ? null : norm;
}

/**
 * For one plan: the repository files (regular files, normalised paths) a command argument names, the
 * argument itself and, for `--opt=value`, the value. Memoised by argument.
 */
export function repoFilesNamedBy(root: string): (arg: string) => readonly string[] {
  const memo = new Map<string, readonly string[]>();
  const none: readonly string[] = [];
  return (arg) => {
    let hit = memo.get(arg);
    if (hit === undefined) {
      const candidates = [arg];
      const eq = /^[^=/]+=(.+)$/.exec(arg);
      if (eq) candidates.push(eq[1]!);
      const found: string[] = [];
      for (const c of candidates) {
        const path = repoRelative(root, c);
        if (path === null) continue;
        try {
          if (statSync(join(root, path)).isFile()) found.push(path);
        } catch {
          // Not a file of the repository: an option, a program on PATH, a value.
        }
      }
      hit = found.length ? found : none;
      memo.set(arg, hit);
    }
    return hit;
  };
}

/** A `files:` entry that is a pattern: `*` (any characters but /), `**` (any folders), `?` (one character). */
export function isGlob(path: string): boolean {
  return /[*?]/.test(path);
}

const globMemo = new Map<string, RegExp>();

function globRegex(glob: string): RegExp {
  let re = globMemo.get(glob);
  if (!re) {
    let out = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i]!;
      if (c === '*' && glob[i + 1] === '*') {
        // `**/` matches no folder or several; a trailing `**` matches everything below.
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:[^/]+/)*' : '.*';
        i += slash ? 2 : 1;
      } else if (c === '*') out += '[^/]*';
      else if (c === '?') out += '[^/]';
      else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(`^${out}$`);
    globMemo.set(glob, re);
  }
  return re;
}

/** Whether repository path `path` is one that the `files:` entry `entry` (a file, a folder or a glob) names. */
export function entryCovers(entry: string, path: string): boolean {
  if (entry === path || path.startsWith(`${entry}/`)) return true;
  return isGlob(entry) && globRegex(entry).test(path);
}

/** Thrown by expandEntry with what is wrong, for the caller to locate at the `files:` entry. */
class FileEntryProblem extends Error {
  constructor(
    readonly found: string,
    readonly expected: string,
  ) {
    super(found);
  }
}

/**
 * The regular files a `files:` entry stands for, sorted: itself (a file), every file under it (a folder,
 * as DVC hashes a folder dependency) or every repository file its pattern matches. Each is checked by
 * its real path: a symlink must stay inside the repository and out of artifacts/ and .grokpipe/, and a
 * pipe, socket or device is refused before anything reads it (it would block or never end).
 */
function expandEntry(root: string, realRoot: string, entry: string): string[] {
  const check = (rel: string): 'file' | 'dir' => {
    const abs = join(root, rel);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch (e) {
      throw new FileEntryProblem((e as NodeJS.ErrnoException).code === 'ENOENT' ? (rel === entry ? 'no such file or folder' : `${rel}: a symlink to nothing`) : `${rel}: unreadable (${(e as NodeJS.ErrnoException).code})`, 'a file or folder inside the repository');
    }
    const realRel = relative(realRoot, real).split(sep).join('/');
    if (escapesRepository(realRel)) throw new FileEntryProblem(`${rel} links to ${real}, outside the repository`, 'files inside the repository, symlinks followed (copy the data in instead of linking to it)');
    if (ENGINE_OWNED.some((d) => `${realRel}/`.startsWith(d))) throw new FileEntryProblem(`${rel} links to ${realRel}, in the engine's folder ${realRel.split('/')[0]}`, 'a repository file that no stage writes (read outputs through `deps:`)');
    const st = statSync(real);
    if (st.isDirectory()) return 'dir';
    if (!st.isFile()) throw new FileEntryProblem(`${rel} is ${fileKind(st)}`, 'regular files (a pipe, socket or device cannot be hashed: reading it could block or never end)');
    return 'file';
  };
  const under = (dir: string, seen: Set<string>): string[] => {
    const real = realpathSync(join(root, dir));
    if (seen.has(real)) return [];
    seen.add(real);
    const out: string[] = [];
    for (const name of readdirSync(join(root, dir)).sort()) {
      const rel = dir === '.' ? name : `${dir}/${name}`;
      if (dir === '.' && (name === '.git' || ENGINE_OWNED.includes(`${name}/`) || name === 'node_modules')) continue;
      if (check(rel) === 'dir') out.push(...under(rel, seen));
      else out.push(rel);
    }
    return out;
  };
  if (!isGlob(entry)) return check(entry) === 'dir' ? under(entry, new Set()).sort() : [entry];
  // The folders before the first pattern character are walked, nothing above them.
  const fixed = entry.slice(0, entry.search(/[*?]/));
  const base = fixed.includes('/') ? fixed.slice(0, fixed.lastIndexOf('/')) : '.';
  let baseKind: 'file' | 'dir';
  try {
    baseKind = check(base);
  } catch {
    return [];
  }
  if (baseKind !== 'dir') return [];
  const re = globRegex(entry);
  return under(base, new Set()).filter((p) => re.test(p)).sort();
}

/** The absolute paths a module stage's ctx.files lists: the entries as declared, a pattern by the files it matched. */
export function declaredFilePaths(root: string, files: readonly RepoFile[], hashed: Record<string, string> | undefined): string[] {
  return files.flatMap((f) => (isGlob(f.path) ? Object.keys(hashed ?? {}).filter((k) => entryCovers(f.path, k)) : [f.path])).map((p) => join(root, p));
}

/**
 * The `files` key component of an instance: path -> sha256, sorted by path, through the file-hash
 * cache (a no-op stats each file, reads none). A folder or a pattern enters as every file it holds or
 * matches, each under its own path, so that a file of an existing folder given file by file keeps its
 * key. A missing file, or a folder or pattern with no file, is an error at its `files:` entry.
 */
export function hashInstanceFiles(project: Project, instance: { name: string; stage: string; files: readonly RepoFile[] }, cache: FileHashCache): Record<string, string> {
  const paths = new Map<string, number>();
  let realRoot: string | null = null;
  for (const f of instance.files) {
    const raw = project.raw.stages[instance.stage]?.files?.[f.entry] ?? f.path;
    const at = ['stages', instance.stage, 'files', f.entry] as const;
    let expanded: string[];
    try {
      expanded = expandEntry(project.root, (realRoot ??= realpathSync(project.root)), f.path);
    } catch (e) {
      if (!(e instanceof FileEntryProblem)) throw e;
      throw project.src.errorAt([...at], {
        title: `${e.found.startsWith('no such') ? 'missing input file' : 'unusable input'} \`${f.path}\` of \`${instance.name}\``,
        expected: e.found.startsWith('no such') ? `a file or folder at ${f.path} (relative to ${project.root})` : e.expected,
        found: `${e.found}; the entry is \`${showExpressions(raw)}\``,
        hint: e.found.startsWith('no such') ? 'create the file or fix the path; outputs of other stages are read through `deps:`' : undefined,
      });
    }
    if (expanded.length === 0) {
      throw project.src.errorAt([...at], {
        title: `input \`${f.path}\` of \`${instance.name}\` names no file`,
        expected: isGlob(f.path) ? 'a pattern that matches at least one repository file' : 'a folder holding at least one file',
        found: `${isGlob(f.path) ? 'no match' : 'an empty folder'}; the entry is \`${showExpressions(raw)}\``,
        hint: 'an input that names nothing is most often a typo; remove the entry if the instance reads nothing there',
      });
    }
    for (const p of expanded) if (!paths.has(p)) paths.set(p, f.entry);
  }
  const out: Record<string, string> = {};
  for (const path of [...paths.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    try {
      out[path] = cache.hash(join(project.root, path));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const entry = paths.get(path)!;
      const raw = project.raw.stages[instance.stage]?.files?.[entry] ?? path;
      throw project.src.errorAt(['stages', instance.stage, 'files', entry], {
        title: `missing input file \`${path}\` of \`${instance.name}\``,
        expected: `a file at ${path} (relative to ${project.root})`,
        found: `${code === 'ENOENT' ? 'no such file' : `unreadable (${code ?? (e as Error).message})`}; the entry is \`${showExpressions(raw)}\``,
        hint: 'create the file or fix the path; outputs of other stages are read through `deps:`',
      });
    }
  }
  return out;
}
