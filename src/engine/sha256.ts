/** SHA-256 helpers over hasha, so every hash in grokpipe is computed one way and printed as lower hex. */
import { hashSync, hashFileSync } from 'hasha';
import { canonicalJson } from '../core/canonical-json.ts';

export function sha256(data: Uint8Array | string): string {
  return hashSync(data, { algorithm: 'sha256' });
}

export function sha256OfJson(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** Streams the file in chunks (hasha reads 64 KiB at a time), so large outputs need little memory. */
export function sha256OfFile(path: string): string {
  return hashFileSync(path, { algorithm: 'sha256' });
}
