/** SHA-256 helpers over hasha, so every hash in grokpipe is computed one way and printed as lower hex. */
import { statSync } from 'node:fs';
import { hashSync, hashFileSync } from 'hasha';
import { canonicalJson } from '../core/canonical-json.ts';

/** A file this large takes long enough to read (a second or more) that Ctrl-C must not wait for it. */
const LONG_READ_BYTES = 64 * 1024 * 1024;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function sha256(data: Uint8Array | string): string {
  return hashSync(data, { algorithm: 'sha256' });
}

export function sha256OfJson(value: unknown): string {
  return sha256(canonicalJson(value));
}

/**
 * Streams the file in chunks (hasha reads 64 KiB at a time), so large outputs need little memory.
 *
 * The read is synchronous: while it lasts, no signal handler of this process can run, so the engine's
 * "stop cleanly" handlers would hold Ctrl-C and SIGTERM until a 50 GB input is read through. For a large
 * file they are set aside for the read, and the signal then ends the process at once, as it would any
 * program without handlers. Nothing is half-written at that point: hashing writes nothing, and a stage
 * still running sees its channel close and ends its process group.
 */
export function sha256OfFile(path: string): string {
  const large = statSync(path).size >= LONG_READ_BYTES;
  if (!large) return hashFileSync(path, { algorithm: 'sha256' });
  const set: Array<[string, ((...a: unknown[]) => void)[]]> = STOP_SIGNALS.map((s) => [s, process.listeners(s) as ((...a: unknown[]) => void)[]]);
  for (const s of STOP_SIGNALS) process.removeAllListeners(s);
  try {
    return hashFileSync(path, { algorithm: 'sha256' });
  } finally {
    for (const [s, listeners] of set) for (const l of listeners) process.on(s, l);
  }
}
