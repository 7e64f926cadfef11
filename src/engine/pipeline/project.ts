/**
 * A project: the repository root (the folder holding pipeline.yaml) and its parsed, schema-checked
 * pipeline.yaml. Nothing here writes to disk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GrokpipeError } from '../errors.ts';
import { firstInexactNumber } from '../exact-numbers.ts';
import { validatePipelineSchema } from './pipeline-schema.ts';
import { YamlSource } from '../yaml-source.ts';
import type { Json } from '../../core/canonical-json.ts';
import { PIPELINE_FILE } from '../find-root.ts';

export { PIPELINE_FILE };

export interface RawDep {
  from: string;
  files?: string[];
}

export interface RawStage {
  description?: string;
  uses?: string;
  cmd?: string[];
  code?: string[];
  /** Repository data files each instance reads (interpolated per instance). */
  files?: string[];
  compute?: string;
  matrix?: Json;
  params?: Json;
  deps?: Record<string, string | RawDep>;
  outputs?: string[];
  /** Environment variables the stage's process gets from the engine's; their values enter its key. */
  env?: string[];
  /** A duration (duration.ts): the wall-clock limit of one run of an instance. */
  timeout?: string;
  /** What one instance needs from a cluster scheduler (executor-config.ts); never keyed. */
  resources?: RawResources;
  shard?: RawShard;
  /**
   * A module whose default export estimates one run of an instance for `grokpipe plan`. Kept apart from
   * the stage module so that recalibrating a cost model never enters (and invalidates) a stage's key.
   */
  estimate?: string;
}

/** `shard:` of a stage (see shards.ts). */
export interface RawShard {
  axis: string;
  count: string;
  barrier?: boolean;
}

export interface RawResources {
  cpus?: number;
  memory?: string;
  time?: string;
}

export interface RawSlurmConfig {
  partition?: string;
  account?: string;
  time?: string;
  cpus?: number;
  memory?: string;
  sbatch_args?: string[];
  poll?: string;
  node_failure_retries?: number;
}

export interface RawProfile {
  description?: string;
  vars?: Record<string, Json>;
  stages?: Record<string, { params?: Json; matrix?: Json; timeout?: string }>;
}

export interface RawPipeline {
  version: 1;
  default_profile?: string;
  vars?: Record<string, Json>;
  profiles?: Record<string, RawProfile | null>;
  executor?: { slurm?: RawSlurmConfig };
  stages: Record<string, RawStage>;
}

export interface Project {
  /** Absolute path of the repository root. */
  root: string;
  src: YamlSource;
  raw: RawPipeline;
}

export { findRoot } from '../find-root.ts';

export function loadProject(root: string): Project {
  const file = join(root, PIPELINE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new GrokpipeError({ title: `cannot read ${PIPELINE_FILE}`, file: PIPELINE_FILE, expected: `a readable file at ${file}`, found: 'none' });
  }
  const src = YamlSource.parse(PIPELINE_FILE, text);
  const inexact = firstInexactNumber(src.doc, text);
  if (inexact) {
    throw src.errorAtRange(inexact.node.range ?? [0, 1], { title: `the number \`${inexact.literal}\` cannot be used exactly`, expected: 'a finite number that a 64-bit float holds as written (params, vars and matrix values enter the key as JSON)', found: inexact.why, hint: inexact.hint });
  }
  const raw = src.toJS();
  validatePipelineSchema(src, raw);
  return { root, src, raw: raw as RawPipeline };
}
