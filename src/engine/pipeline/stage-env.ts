/**
 * What a stage's process sees of the environment. Not the engine's whole environment (35 variables on a
 * typical machine, credentials among them where a machine has them): a documented base, plus what the
 * stage declares under `env:`.
 *
 * The base is what a program needs to start and find its tools, passed through as they are: PATH, HOME,
 * USER, LOGNAME, SHELL, TMPDIR. Its locale and time zone are fixed, LC_ALL=C.UTF-8, LANG=C.UTF-8 and
 * TZ=UTC, so that a sort order or a formatted date is the same on every machine: they could change a
 * stage's bytes, and a value that never changes needs no place in the key. PATH is not keyed either: it
 * picks the tools (sh, python3), which are the machine's, as Node's version is (recorded in the manifest).
 *
 * A variable the stage declares (`env: [OMP_NUM_THREADS]`) is passed with the engine's value, and that
 * value (or its absence) enters the instance's key as the `env` component: a stage that reads a variable
 * reruns when it changes. The component holds the sha256 of the value, never the value: components are
 * written to manifests and run records, and a declared variable may be a credential. It is there only
 * when `env:` is, so no other key moves. Declaring LANG, LC_ALL or TZ passes the caller's value instead
 * of the fixed one.
 *
 * The executor adds one variable of its own, GROKPIPE_RUN_MARK (run/group-keeper.ts): a value that names
 * the engine process, by which its group keeper finds the stage's processes if the engine is killed. It is
 * not keyed, as HOME is not: a stage has no reason to read it, and it cannot change what a stage computes.
 */

import { sha256 } from '../sha256.ts';

/** Passed through from the engine's environment when set. */
export const PASSED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR'] as const;
/** Set to these values whatever the engine's environment holds. */
export const FIXED: Readonly<Record<string, string>> = { LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', TZ: 'UTC' };

/** The `env` key component of a stage declaring `names`: each name -> sha256 of its value in `env`, null when unset; sorted. */
export function declaredEnv(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const n of [...names].sort()) {
    const v = valueOf(env, n);
    out[n] = v === undefined ? null : sha256(v);
  }
  return out;
}

function valueOf(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
}

/**
 * The environment of a stage's process: the base, then each declared variable with its value in `env`
 * (an unset one stays unset). `declared` is the key's component: the values are checked against it, so a
 * run never gets a value its key does not hold (a Slurm job's node with another environment).
 */
export function stageEnvironment(declared: Readonly<Record<string, string | null>> = {}, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv | string {
  const out: NodeJS.ProcessEnv = {};
  for (const n of PASSED) if (env[n] !== undefined) out[n] = env[n];
  Object.assign(out, FIXED);
  for (const [n, keyed] of Object.entries(declared)) {
    const v = valueOf(env, n);
    if ((v === undefined ? null : sha256(v)) !== keyed) return `the environment variable ${n} is ${v === undefined ? 'unset' : 'set to another value'} here, not as when the instance's key was computed; run where the environment is the same (the stage declares it under env:)`;
    if (v === undefined) delete out[n];
    else out[n] = v;
  }
  return out;
}
