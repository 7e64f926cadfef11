/**
 * One rule for every name that comes from outside the engine's own computation and is joined onto a
 * path: output file names (from a stage's folder, a manifest, a run record, grokpipe.lock), instance
 * names read from the lock or a manifest, and hashes used as store object names. A name that fails here
 * is never joined onto anything: the reader refuses the file it came from (the lock: exit 2 naming the
 * entry) or treats it as absent (a manifest or run record: the instance is rebuilt or restored).
 *
 * A safe relative name is what a declared output may be: non-empty '/'-separated segments, none of them
 * '.' or '..', no leading '/', no backslash (a separator on Windows), no NUL or other control character
 * (a NUL truncates a path in C; a newline breaks every line-based log), at most 255 bytes a segment and
 * 1024 bytes in all (what file systems accept, so a name fails here and not after the work is done).
 *
 * Part of the shared core (it imports nothing): claims.yaml's file names are checked with it too.
 */

const SHA256 = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();

/** Why `name` is not a safe relative path inside a folder, or null when it is. */
export function unsafeNameReason(name: unknown): string | null {
  if (typeof name !== 'string') return `it is not a string (${name === null ? 'null' : typeof name})`;
  if (name === '') return 'it is empty';
  if (name.startsWith('/')) return 'it is absolute (starts with "/")';
  if (name.includes('\\')) return 'it contains a backslash';
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(name);
  if (control) return `it contains the control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}${control[0] === '\0' ? ' (NUL)' : ''}`;
  const segments = name.split('/');
  if (segments.includes('..')) return 'it has a ".." segment (it would leave its folder)';
  if (segments.includes('.')) return 'it has a "." segment';
  if (segments.includes('')) return 'it has an empty segment ("//" or a trailing "/")';
  if (encoder.encode(name).length > 1024) return 'it is longer than 1024 bytes';
  const long = segments.find((s) => encoder.encode(s).length > 255);
  if (long !== undefined) return `its segment "${long.slice(0, 20)}…" is longer than 255 bytes`;
  return null;
}

/** An instance name is a single folder name under artifacts/ (no '/' at all). */
export function unsafeInstanceNameReason(name: unknown): string | null {
  const reason = unsafeNameReason(name);
  if (reason) return reason;
  if ((name as string).includes('/')) return 'it contains "/" (an instance is one folder under artifacts/)';
  if ((name as string).startsWith('.')) return 'it starts with "." (reserved for the engine, e.g. artifacts/.trash)';
  return null;
}

/** A store object name: 64 lower-case hex digits. */
export function isSha256(value: unknown): value is string {
  return typeof value === 'string' && SHA256.test(value);
}

/**
 * Why an { output name: sha256 } map read from a file is unsafe, or null. Checked before any of its
 * names is joined onto a folder or any of its hashes becomes a store path.
 */
export function unsafeOutputsReason(outputs: unknown): string | null {
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) return `outputs is not a mapping of file name to sha256 (found ${outputs === null ? 'null' : Array.isArray(outputs) ? 'a list' : typeof outputs})`;
  for (const [file, sha] of Object.entries(outputs)) {
    const reason = unsafeNameReason(file);
    if (reason) return `output ${JSON.stringify(file)} is not a safe file name: ${reason}`;
    if (!isSha256(sha)) return `output ${JSON.stringify(file)} has ${JSON.stringify(sha)} where a sha256 (64 lower-case hex digits) belongs`;
  }
  return null;
}
