/**
 * The boundary between the engine and a stage's files: what it may read (ctx.inputs, a cmd's
 * ${deps.x}) and what counts as its outputs (every regular file it wrote, except manifest.json).
 */
import { chmodSync, copyFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST } from '../store/artifacts.ts';
import type { Json } from '../../core/canonical-json.ts';
import { listFiles, uniqueSuffix } from '../fs-atomic.ts';
import { stringify } from '../pipeline/interpolate.ts';
import { materializeView } from './input-view.ts';
import type { Instance } from '../pipeline/plan.ts';
import { declaredOutputs, type Prepared, type PreparedInstance } from '../keys/prepare.ts';
import { OUTPUT_FILE_MODE } from '../store/object-store.ts';
import { unsafeNameReason } from '../../core/safe-names.ts';
import { sha256OfFile } from '../sha256.ts';
import type { InputSpec } from './worker-protocol.ts';
import { CLOSE, OPEN } from '../yaml-source.ts';

/**
 * What a stage's ctx.inputs (and a cmd's ${deps.x}) is built from: per dependency, each upstream
 * instance's declared files, in a view folder under `views` that holds those files and nothing else
 * (input-view.ts), so that the stage can read only what its key holds.
 */
export function inputSpecs(prepared: Prepared, inst: Instance, dirOf: (u: string) => string, outputsOf: (u: string) => Record<string, string>, views: string): Record<string, InputSpec | InputSpec[]> {
  const out: Record<string, InputSpec | InputSpec[]> = {};
  for (const dep of inst.deps) {
    const specs = dep.instances.map((u): InputSpec => {
      const up = prepared.byName.get(u)!;
      const files = dep.files ?? Object.keys(outputsOf(u)).sort();
      return { instance: u, stage: up.instance.stage, dir: materializeView(views, dirOf(u), files), files, matrix: up.instance.matrix ?? {}, params: up.params };
    });
    out[dep.name] = dep.single ? specs[0]! : specs;
  }
  return out;
}

/** Fills ${deps.x} and ${out} into a cmd's argument list; a whole-argument fan-in becomes several arguments. */
export function commandArgv(template: string[], inputs: Record<string, InputSpec | InputSpec[]>, outDir: string): string[] | string {
  const argv: string[] = [];
  const value = (expr: string): Json | undefined => {
    const e = expr.trim();
    if (e === 'out') return outDir;
    const m = /^deps\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(e);
    if (!m || !Object.prototype.hasOwnProperty.call(inputs, m[1]!)) return undefined;
    const v = inputs[m[1]!]!;
    return Array.isArray(v) ? v.map((s) => s.dir) : v.dir;
  };
  for (const arg of template) {
    const whole = arg.startsWith(OPEN) && arg.endsWith(CLOSE) && arg.indexOf(CLOSE) === arg.length - 1 ? arg.slice(OPEN.length, -CLOSE.length) : null;
    if (whole !== null) {
      const v = value(whole);
      if (v === undefined) return `cmd references \${${whole}}, which is not a dependency of this stage`;
      if (Array.isArray(v)) argv.push(...(v as string[]));
      else argv.push(String(v));
      continue;
    }
    let bad: string | null = null;
    const filled = arg.split(OPEN).map((part, i) => {
      if (i === 0) return part;
      const end = part.indexOf(CLOSE);
      const expr = part.slice(0, end);
      const v = value(expr);
      if (v === undefined) bad = `cmd references \${${expr}}, which is not a dependency of this stage`;
      else if (Array.isArray(v)) bad = `cmd uses the fan-in \${${expr}} inside a longer argument; write it as a whole argument so each instance folder becomes one argument`;
      return `${v === undefined ? '' : stringify(v)}${part.slice(end + CLOSE.length)}`;
    });
    if (bad) return bad;
    argv.push(filled.join(''));
  }
  return argv;
}

/**
 * Hashes of every file the stage wrote, or a message saying why the outputs are not acceptable. Every
 * name must be a safe relative name (safe-names.ts: the same rule the lock and the store are read with),
 * and every file and folder gets a plain mode (0644 / 0755): a stage's setuid or world-writable file
 * never reaches artifacts/ or the store, and a run leaves the same modes a restore does.
 */
export function collectOutputs(outDir: string, p: PreparedInstance): Record<string, string> | string {
  const { files, special } = listFiles(outDir);
  if (special.length) return `the stage wrote ${special[0]}, which is not a regular file (symlinks and devices are not outputs); write a regular file instead`;
  for (const f of files) {
    const reason = unsafeNameReason(f);
    if (reason) return `the stage wrote a file named ${JSON.stringify(f)}, which cannot be an output: ${reason}; write it under a plain name`;
  }
  normaliseModes(outDir, files);
  if (files.includes(MANIFEST)) return `the stage wrote ${MANIFEST} at the top of its folder, a name the engine reserves; write it under another name`;
  const missing = declaredOutputs(p.instance, p.stage).filter((f) => !files.includes(f));
  if (missing.length) return `the stage did not write its declared output${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  const out: Record<string, string> = {};
  for (const f of files) out[f] = sha256OfFile(join(outDir, f));
  return out;
}


/** Replaces the hard link at `abs` by a copy of its bytes, leaving the other links' file as it was. */
function unlinkShared(abs: string): void {
  const copy = `${abs}.${uniqueSuffix()}.copy`;
  copyFileSync(abs, copy);
  renameSync(copy, abs);
}

function normaliseModes(outDir: string, files: readonly string[]): void {
  const dirs = new Set<string>([outDir]);
  for (const f of files) {
    const abs = join(outDir, f);
    // A file with other links (`ln /some/secret "$out/k.txt"`) is also a file the stage did not create
    // there: its mode is changed on a private copy, never on the shared inode.
    if (statSync(abs).nlink > 1) unlinkShared(abs);
    chmodSync(abs, OUTPUT_FILE_MODE);
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(join(outDir, ...parts.slice(0, i)));
  }
  for (const d of dirs) chmodSync(d, 0o755);
}
