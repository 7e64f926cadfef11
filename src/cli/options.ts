/** Command-line parsing shared by the verbs: node:util parseArgs, errors as GrokpipeError (exit 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolve } from 'node:path';
import { GrokpipeError } from '../engine/errors.ts';
import { findRoot } from '../engine/pipeline/project.ts';

export const COMMON_OPTIONS = {
  C: { type: 'string', short: 'C' },
  profile: { type: 'string', short: 'p' },
  set: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(verb: string, argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new GrokpipeError({ title: `bad arguments for \`grokpipe ${verb}\``, expected: usage, found: (e as Error).message });
  }
}

export function rootFrom(cwd: string, C: string | undefined): string {
  return findRoot(C ? resolve(cwd, C) : cwd);
}

/**
 * A whole number written in decimal digits, or null: Number() also reads '0x10', '1e3', '3.0', ' 3 ' and
 * '' (as 0), which print unlike what they become, and numbers past 2^53 that are no longer the ones written.
 */
export function wholeNumber(v: string, min: number): number | null {
  if (!/^[0-9]+$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= min ? n : null;
}

export function jobsOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = wholeNumber(v, 1);
  if (n === null) throw new GrokpipeError({ title: 'bad value for -j', expected: 'a whole number of parallel jobs, at least 1', found: `\`${v}\`` });
  return n;
}
