/**
 * The key of a stage instance: sha256 of the canonical JSON of its components. The components are data
 * you can print and diff (`status --why`, `show`), and nothing else enters: no timestamps, absolute
 * paths or host names.
 */
import type { Json } from '../../core/canonical-json.ts';
import { sha256OfJson } from '../sha256.ts';

/** Bump when the meaning of a component changes; every key changes with it. */
export const KEY_FORMAT = 1;

export interface KeyComponents {
  format: number;
  /** Repository-relative path -> sha256, the module's code closure (or a cmd stage's `code:` files). */
  code: Record<string, string>;
  /**
   * Repository data files this instance reads (`files:`): path -> sha256. Absent when none are
   * declared, so the keys of stages without `files:` are what they were before the field existed.
   */
  files?: Record<string, string>;
  /** Bare packages the closure imports -> installed version. */
  packages: Record<string, string>;
  /** Resolved params (schema defaults filled in). */
  params: Json;
  /** "<dep>/<instance>/<file>" -> sha256 of each upstream output read. */
  inputs: Record<string, string>;
  /** The compute engine's identity ("" when the stage declares none). */
  compute: string;
  /** cmd stages: the argument list with ${deps.*} and ${out} as written in pipeline.yaml. */
  command?: string[];
  /**
   * Module stages: esbuild's version, its build options and the effective tsconfig options that change
   * the emitted code, per governing tsconfig folder (module-bundle.ts, compiler-settings.ts).
   */
  compiler?: Json;
  /** Module stages: the major version of the Node that runs them (runtime-component.ts). */
  runtime?: { node: number };
  /**
   * Declared outputs (`outputs:`), when any: they decide whether a run succeeds, so two stages that
   * differ only here must not share a key. Absent when nothing is declared.
   */
  outputs?: string[];
  /**
   * Environment variables the stage declares (`env:`): name -> value, null when unset (run/stage-env.ts).
   * Absent when none are declared, so the keys of other stages are what they were before the field existed.
   */
  env?: Record<string, string | null>;
  /** Sharded stages (shards.ts): the phase and the shard's value. Absent otherwise. */
  shard?: Json;
}

export function keyOf(components: KeyComponents): string {
  return sha256OfJson(components);
}

export function inputKey(dep: string, instance: string, file: string): string {
  return `${dep}/${instance}/${file}`;
}
