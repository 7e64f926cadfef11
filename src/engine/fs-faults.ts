/**
 * Faults of the machine rather than of the input or of grokpipe: a full disk, a read-only filesystem,
 * a quota, too many open files, a name too long. They are reported as what happened, where, and what
 * to do, never as a stack trace; store, lock and artifacts are written atomically, so such a fault
 * leaves them as they were.
 */
import { GrokpipeError, EXIT_STAGE_FAILED } from './errors.ts';

const ADVICE: Record<string, string> = {
  ENOSPC: 'no space left on device: free some space (grokpipe gc removes unreferenced store objects) and run again',
  EDQUOT: 'disk quota exceeded: free some space or raise the quota, and run again',
  EROFS: 'the filesystem is read-only: run grokpipe where it may write, or use status / show / repro --dry-run, which write nothing',
  EACCES: 'permission denied: check the owner and mode of the folder',
  EPERM: 'operation not permitted: check the owner and mode of the folder',
  EMFILE: 'too many open files in this process: raise the limit (ulimit -n) or lower -j',
  ENFILE: 'too many open files on the system: close some programs or lower -j',
  EIO: 'an input/output error from the disk: check the device (dmesg) before trusting anything on it',
  ENAMETOOLONG: 'a file name is too long for the filesystem (255 bytes per name): shorten the instance name (fewer or shorter matrix values)',
  EFBIG: 'a file is larger than the system allows (ulimit -f)',
  E2BIG: 'the argument list is too long for the operating system: pass large values through a file',
};

/** The errno code of `e` when it is one of the machine faults above. */
export function faultCode(e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code in ADVICE ? code : null;
}

/** A located, bug-free report of a machine fault that happened while `doing` (e.g. "storing outputs of x"). */
export function faultError(e: unknown, doing: string): GrokpipeError {
  const err = e as NodeJS.ErrnoException;
  const code = faultCode(e) ?? err.code ?? 'error';
  return new GrokpipeError(
    {
      title: `${doing} failed: ${(ADVICE[code] ?? err.message).split(':')[0]} (${code})`,
      file: err.path,
      expected: `to be able to ${err.syscall ?? 'write'} ${err.path ?? 'the file'}`,
      found: err.message,
      hint: (ADVICE[code] ?? '').split(': ').slice(1).join(': ') || undefined,
    },
    EXIT_STAGE_FAILED,
  );
}

/** One line for an outcome's reason: what failed, the code, and what to do. */
export function faultSentence(e: unknown, doing: string): string {
  const err = e as NodeJS.ErrnoException;
  const code = faultCode(e) ?? err.code ?? 'error';
  const advice = ADVICE[code] ?? err.message;
  return `${doing} failed (${code}${err.path ? ` at ${err.path}` : ''}): ${advice}`;
}
