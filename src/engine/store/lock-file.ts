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
import { isSha256, unsafeInstanceNameReason, unsafeNameReason } from '../../core/safe-names.ts';
import { YamlSource, type FieldPath } from '../yaml-source.ts';

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
    return { format: 1, profiles: {} };
  }
  return parseLock(text);
}

/** The lock in `text`, checked whole; a GrokpipeError at the offending line and column otherwise. */
export function parseLock(text: string): LockFile {
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
  if (problem) {
    let located: GrokpipeError;
    try {
      located = YamlSource.parse(LOCK_FILE, text).errorAt(problem.path, { title: `${LOCK_FILE}: ${problem.title}`, expected: problem.expected, found: problem.found, hint: HINT }, problem.atKey);
    } catch {
      located = new GrokpipeError({ title: `${LOCK_FILE}: ${problem.title}`, file: LOCK_FILE, expected: problem.expected, found: problem.found, hint: HINT });
    }
    throw located;
  }
  return data as LockFile;
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
