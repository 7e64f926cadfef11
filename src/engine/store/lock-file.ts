/**
 * grokpipe.lock (committed): canonical, indented JSON with one section per profile,
 * instance -> { key, outputs: { file: sha256 } }. It is what a clean checkout must rebuild to, and
 * what `verify --lock` checks. Written atomically, and only with instances that succeeded.
 *
 * The lock comes from outside (a merge, a hand edit, a hostile pull request), so it is checked whole
 * before anything uses it: its shape, every key and hash, and every instance and output name (with the
 * same rule as a declared output, safe-names.ts). A bad lock is an input error at its line and column,
 * never a TypeError and never a path outside the repository.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJsonPretty } from '../../core/canonical-json.ts';
import { describeValue, GrokpipeError } from '../errors.ts';
import { writeFileAtomic } from '../fs-atomic.ts';
import { encodingProblem } from '../text-encoding.ts';
import { isSha256, unsafeInstanceNameReason, unsafeNameReason } from '../../core/safe-names.ts';
import { withoutPrototypes, YamlSource, type FieldPath } from '../yaml-source.ts';

export const LOCK_FILE = 'grokpipe.lock';

export interface LockEntry {
  key: string;
  outputs: Record<string, string>;
}

export interface LockFile {
  format: 1;
  profiles: Record<string, Record<string, LockEntry>>;
}

const SHAPE = 'canonical JSON written by grokpipe: { "format": 1, "profiles": { <profile>: { <instance>: { "key": <sha256>, "outputs": { <file>: <sha256> } } } } }';
const HINT = `restore it from git (git checkout ${LOCK_FILE}) or delete it and run grokpipe repro`;

export function readLock(root: string): LockFile {
  let text: string;
  try {
    text = readFileSync(join(root, LOCK_FILE), 'utf8');
  } catch {
    return { format: 1, profiles: Object.create(null) as LockFile['profiles'] };
  }
  return parseLock(text);
}

/** The lock in `text`, checked whole; a GrokpipeError at the offending line and column otherwise. */
export function parseLock(text: string): LockFile {
  const unusual = unusualText(text);
  if (unusual) throw unusual;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    const offset = at ? Number(at[1]) : /end of JSON input/.test((e as Error).message) ? text.trimEnd().length : 0;
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    throw new GrokpipeError({
      title: `${LOCK_FILE} is not valid JSON`,
      file: LOCK_FILE,
      line,
      column: before[before.length - 1]!.length + 1,
      sourceLine: text.split('\n')[line - 1],
      expected: SHAPE,
      found: (e as Error).message.split('\n')[0],
      hint: HINT,
    });
  }
  const problem = lockProblem(data);
  if (!problem) {
    const twice = duplicateEntry(text);
    if (twice) throw new GrokpipeError({ title: `${LOCK_FILE}: ${twice.title}`, ...locationOf(text, twice.offset), field: twice.path.join('.'), expected: twice.expected, found: twice.found, hint: HINT });
  }
  if (problem) {
    let located: GrokpipeError;
    try {
      located = YamlSource.parse(LOCK_FILE, text).errorAt(problem.path, { title: `${LOCK_FILE}: ${problem.title}`, expected: problem.expected, found: problem.found, hint: HINT }, problem.atKey);
    } catch {
      located = new GrokpipeError({ title: `${LOCK_FILE}: ${problem.title}`, file: LOCK_FILE, expected: problem.expected, found: problem.found, hint: HINT });
    }
    throw located;
  }
  // Profiles and instances are names chosen by users: `constructor` or `valueOf` must be looked up, and
  // added (`profiles[p] ??= {}`), as themselves, never as Object's.
  return withoutPrototypes(data) as LockFile;
}

/** Where `text`'s character `offset` is, as a GrokpipeError location. */
function locationOf(text: string, offset: number): { file: string; line: number; column: number; sourceLine: string | undefined } {
  const before = text.slice(0, offset).split('\n');
  return { file: LOCK_FILE, line: before.length, column: before[before.length - 1]!.length + 1, sourceLine: text.split('\n')[before.length - 1] };
}

/**
 * Two ways a lock goes wrong that JSON.parse reports in terms nobody can act on: a byte order mark
 * (an editor's, "Unexpected token" naming an invisible character) and the markers git leaves in a file
 * it could not merge.
 */
function unusualText(text: string): GrokpipeError | null {
  if (text.startsWith('\uFEFF')) {
    return new GrokpipeError({
      title: `${LOCK_FILE} starts with a byte order mark (BOM, the invisible character U+FEFF an editor added)`,
      ...locationOf(text, 0),
      expected: `${SHAPE}, as UTF-8 without a byte order mark`,
      found: 'the bytes EF BB BF before the opening {',
      hint: `save it again without the BOM (e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' ${LOCK_FILE}), or ${HINT}`,
    });
  }
  const encoding = encodingProblem(text);
  if (encoding) {
    const { sourceLine: _, ...at } = locationOf(text, encoding.offset);
    return new GrokpipeError({ title: `${LOCK_FILE} is not UTF-8 text`, ...at, expected: `${SHAPE}, saved as UTF-8`, found: encoding.found, hint: `save it again as UTF-8 (iconv -f UTF-16 -t UTF-8), or ${HINT}` });
  }
  const marker = /^(<{7}|={7}|>{7})(?: .*)?$/m.exec(text);
  if (marker) {
    return new GrokpipeError({
      title: `${LOCK_FILE} holds git merge-conflict markers: a merge or rebase could not combine two versions of it`,
      ...locationOf(text, marker.index),
      expected: SHAPE,
      found: `the conflict marker \`${marker[1]}\``,
      hint: `do not edit the markers out by hand: take one side whole (git checkout --ours ${LOCK_FILE}, or --theirs), then run grokpipe repro for each profile, which records what the merged pipeline builds, and commit the lock`,
    });
  }
  return null;
}

/**
 * A name given twice in one JSON object of the lock (an instance twice in a profile, an output twice in
 * an entry): JSON.parse keeps the last silently, so which record counts would depend on the order of a
 * hand edit or a bad merge. Runs on text JSON.parse accepted, so it only needs to follow strings and
 * nesting.
 */
function duplicateEntry(text: string): (LockProblem & { offset: number }) | null {
  const stack: { keys: Set<string>; isObject: boolean; path: string[] }[] = [];
  let expectKey = false;
  let lastKey: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.isObject && expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) {
          const path = [...top.path, key];
          return { path, atKey: true, title: `${JSON.stringify(key)} appears twice in ${top.path.length ? `\`${top.path.join('.')}\`` : 'the lock'}; JSON keeps only the last, so one of the two records would be silently dropped`, expected: 'each instance once per profile, each output once per entry', found: `a second ${JSON.stringify(key)} at line ${locationOf(text, i).line}`, offset: i };
        }
        top.keys.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      const path = parent ? (parent.isObject && lastKey !== null ? [...parent.path, lastKey] : parent.path) : [];
      stack.push({ keys: new Set(), isObject: c === '{', path });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      expectKey = stack[stack.length - 1]?.isObject ?? false;
    }
  }
  return null;
}

interface LockProblem {
  path: FieldPath;
  title: string;
  expected: string;
  found: string;
  atKey?: boolean;
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function lockProblem(data: unknown): LockProblem | null {
  if (!isMapping(data)) return { path: [], title: 'the lock is not an object', expected: SHAPE, found: describeValue(data) };
  if (data.format !== 1) return { path: ['format'], title: 'unknown lock format', expected: '"format": 1', found: describeValue(data.format) };
  const extra = Object.keys(data).find((k) => k !== 'format' && k !== 'profiles');
  if (extra !== undefined) return { path: [extra], atKey: true, title: `unknown field \`${extra}\``, expected: 'only "format" and "profiles"', found: `\`${extra}\`` };
  if (!isMapping(data.profiles)) return { path: ['profiles'], title: 'the profiles section is not an object', expected: '"profiles": { <profile>: { <instance>: {...} } }', found: describeValue(data.profiles) };
  for (const [profile, section] of Object.entries(data.profiles)) {
    const at: FieldPath = ['profiles', profile];
    if (!isMapping(section)) return { path: at, title: `profile \`${profile}\` is not an object`, expected: '{ <instance>: { "key": ..., "outputs": {...} } }', found: describeValue(section) };
    for (const [instance, entry] of Object.entries(section)) {
      const here: FieldPath = [...at, instance];
      const badName = unsafeInstanceNameReason(instance);
      if (badName) return { path: here, atKey: true, title: `entry ${JSON.stringify(instance)} of profile \`${profile}\` is not a safe instance name: ${badName}`, expected: 'an instance name as grokpipe writes it, e.g. cell[loss=ce,p=59]', found: JSON.stringify(instance) };
      if (!isMapping(entry)) return { path: here, title: `entry \`${instance}\` of profile \`${profile}\` is not an object`, expected: '{ "key": <sha256>, "outputs": { <file>: <sha256> } }', found: describeValue(entry) };
      const extraField = Object.keys(entry).find((k) => k !== 'key' && k !== 'outputs');
      if (extraField !== undefined) return { path: [...here, extraField], atKey: true, title: `unknown field \`${extraField}\` in entry \`${instance}\``, expected: 'only "key" and "outputs"', found: `\`${extraField}\`` };
      if (!isSha256(entry.key)) return { path: [...here, 'key'], title: `entry \`${instance}\` has a malformed key`, expected: 'a sha256: 64 lower-case hex digits', found: describeValue(entry.key) };
      if (!isMapping(entry.outputs)) return { path: [...here, 'outputs'], title: `entry \`${instance}\` has malformed outputs`, expected: '{ <file>: <sha256> }', found: describeValue(entry.outputs) };
      for (const [file, sha] of Object.entries(entry.outputs)) {
        const badFile = unsafeNameReason(file);
        if (badFile) return { path: [...here, 'outputs', file], atKey: true, title: `entry \`${instance}\` names the output ${JSON.stringify(file)}, which is not a safe file name: ${badFile}`, expected: 'a relative path inside the instance folder, as a stage declares its outputs', found: JSON.stringify(file) };
        if (!isSha256(sha)) return { path: [...here, 'outputs', file], title: `entry \`${instance}\`: output \`${file}\` has a malformed hash`, expected: 'a sha256: 64 lower-case hex digits', found: describeValue(sha) };
      }
    }
  }
  return null;
}

export function lockText(lock: LockFile): string {
  return canonicalJsonPretty(lock);
}

export function writeLock(root: string, lock: LockFile): void {
  writeFileAtomic(join(root, LOCK_FILE), lockText(lock));
}
