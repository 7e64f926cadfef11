/**
 * The full training state of a cell, saved and restored exactly: every seed's parameters and Adam
 * moments (m, v) in the working precision, the step, and each seed's T_mem / T_grok found so far (with
 * the norms at those steps). The data split is not stored: it is derived from the seed.
 *
 * File format (one file): the 8 ASCII bytes "GRKSTAT1", a little-endian uint32 header length, the header
 * as canonical JSON (UTF-8), zero padding to a multiple of 8 bytes, then the tensors back to back as
 * little-endian float32 or float64, in the order the header lists them. Writing then reading gives the
 * same bits, so training N steps, saving, and training M more equals training N + M steps straight.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { FloatArray, ModelKind, Precision } from '../kernels/contract.ts';
import { tensorSpecs } from '../models/spec.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import { weightNorm } from './norms.ts';

export const STATE_FORMAT = 'grokpipe-train-state/1';
const MAGIC = 'GRKSTAT1';

export interface SeedState {
  seed: number;
  /** Parameters by tensor name (spec order). */
  params: Record<string, FloatArray>;
  /** Adam first moments by tensor name. */
  m: Record<string, FloatArray>;
  /** Adam second moments by tensor name. */
  v: Record<string, FloatArray>;
  tMem: number | null;
  tGrok: number | null;
  normAtMem: number | null;
  normAtGrok: number | null;
}

export interface TrainState {
  format: typeof STATE_FORMAT;
  model: ModelKind;
  p: number;
  precision: Precision;
  trainFraction: number;
  /** Optimizer steps taken by every seed (seeds train in lockstep). */
  step: number;
  seeds: SeedState[];
}

interface TensorEntry {
  seed: number;
  kind: 'param' | 'm' | 'v';
  name: string;
  length: number;
}

interface StateHeader {
  format: string;
  model: ModelKind;
  p: number;
  precision: Precision;
  trainFraction: number;
  step: number;
  seeds: Array<{ seed: number; tMem: number | null; tGrok: number | null; normAtMem: number | null; normAtGrok: number | null }>;
  tensors: TensorEntry[];
}

const KINDS = ['param', 'm', 'v'] as const;

function tensorsOf(seed: SeedState, kind: (typeof KINDS)[number]): Record<string, FloatArray> {
  return kind === 'param' ? seed.params : kind === 'm' ? seed.m : seed.v;
}

/** The state as bytes (see the file format above). */
export function encodeState(state: TrainState): Uint8Array {
  const specs = tensorSpecs(state.model, state.p);
  const width = state.precision === 'f32' ? 4 : 8;
  const tensors: TensorEntry[] = [];
  for (const seed of state.seeds) {
    for (const kind of KINDS) {
      const group = tensorsOf(seed, kind);
      for (const spec of specs) {
        const t = group[spec.name];
        const expected = spec.rows * spec.cols;
        if (!t || t.length !== expected) {
          throw new Error(
            `encodeState: seed ${seed.seed} ${kind} ${spec.name}: expected ${expected} values, found ${t ? t.length : 'none'}`,
          );
        }
        tensors.push({ seed: seed.seed, kind, name: spec.name, length: expected });
      }
    }
  }
  const header: StateHeader = {
    format: STATE_FORMAT,
    model: state.model,
    p: state.p,
    precision: state.precision,
    trainFraction: state.trainFraction,
    step: state.step,
    seeds: state.seeds.map((s) => ({ seed: s.seed, tMem: s.tMem, tGrok: s.tGrok, normAtMem: s.normAtMem, normAtGrok: s.normAtGrok })),
    tensors,
  };
  const headerBytes = new TextEncoder().encode(canonicalJson(header, { nonFinite: 'null' }));
  const dataStart = Math.ceil((MAGIC.length + 4 + headerBytes.length) / 8) * 8;
  let total = dataStart;
  for (const t of tensors) total += t.length * width;
  const bytes = new Uint8Array(total);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  view.setUint32(MAGIC.length, headerBytes.length, true);
  bytes.set(headerBytes, MAGIC.length + 4);
  let offset = dataStart;
  for (const seed of state.seeds) {
    for (const kind of KINDS) {
      const group = tensorsOf(seed, kind);
      for (const spec of specs) {
        const t = group[spec.name];
        if (width === 4) for (let i = 0; i < t.length; i++, offset += 4) view.setFloat32(offset, t[i], true);
        else for (let i = 0; i < t.length; i++, offset += 8) view.setFloat64(offset, t[i], true);
      }
    }
  }
  return bytes;
}

/** Reads bytes written by encodeState; `where` names the source in error messages. */
export function decodeState(bytes: Uint8Array, where = 'state'): TrainState {
  const magic = String.fromCharCode(...bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) {
    throw new Error(`${where}: expected a grokpipe training state starting with "${MAGIC}", found "${magic}". Is this the right file?`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength))) as StateHeader;
  if (header.format !== STATE_FORMAT) {
    throw new Error(`${where}: expected state format ${STATE_FORMAT}, found ${header.format}; re-create the state with this version`);
  }
  const width = header.precision === 'f32' ? 4 : 8;
  const make = (n: number): FloatArray => (header.precision === 'f32' ? new Float32Array(n) : new Float64Array(n));
  const seeds: SeedState[] = header.seeds.map((s) => ({ ...s, params: {}, m: {}, v: {} }));
  const bySeed = new Map(seeds.map((s) => [s.seed, s]));
  let offset = Math.ceil((MAGIC.length + 4 + headerLength) / 8) * 8;
  for (const entry of header.tensors) {
    const t = make(entry.length);
    if (offset + entry.length * width > bytes.length) {
      throw new Error(`${where}: truncated: tensor ${entry.kind} ${entry.name} of seed ${entry.seed} runs past the end of the file`);
    }
    if (width === 4) for (let i = 0; i < t.length; i++, offset += 4) t[i] = view.getFloat32(offset, true);
    else for (let i = 0; i < t.length; i++, offset += 8) t[i] = view.getFloat64(offset, true);
    const seed = bySeed.get(entry.seed);
    if (!seed) throw new Error(`${where}: tensor for seed ${entry.seed}, which the header does not list`);
    tensorsOf(seed, entry.kind)[entry.name] = t;
  }
  return {
    format: STATE_FORMAT,
    model: header.model,
    p: header.p,
    precision: header.precision,
    trainFraction: header.trainFraction,
    step: header.step,
    seeds,
  };
}

export async function saveState(state: TrainState, path: string): Promise<void> {
  await writeFile(path, encodeState(state));
}

export async function loadState(path: string): Promise<TrainState> {
  return decodeState(new Uint8Array(await readFile(path)), path);
}

/** Each seed's ||W|| in a state, in seed order: the per-seed norms N0 at a fork. */
export function stateNorms(state: TrainState): number[] {
  const specs = tensorSpecs(state.model, state.p);
  return state.seeds.map((s) => weightNorm(s.params, specs));
}
