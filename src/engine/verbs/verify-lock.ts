/**
 * verify --lock: rebuild what grokpipe.lock lists for a profile, in a scratch folder, and compare
 * every output hash with the lock. Inputs come from the store (verified) or, failing that, from an
 * intact artifacts folder holding exactly the locked outputs. The store's objects and artifacts/ are
 * never written. Sampling (--sample N) is deterministic: the N instances whose names hash lowest.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { instanceDir, isIntact, MANIFEST } from '../store/artifacts.ts';
import type { FileHashCache } from '../hashing/file-hash-cache.ts';
import { listFiles } from '../fs-atomic.ts';
import { inputsComponent } from './assess.ts';
import { diffComponents } from '../keys/component-diff.ts';
import { GrokpipeError } from '../errors.ts';
import { keyOf, type KeyComponents } from '../keys/instance-key.ts';
import type { Instance } from '../pipeline/plan.ts';
import type { Reporter } from '../ui/reporter.ts';
import { silentReporter } from '../ui/reporter.ts';
import { acquireRunLock } from '../store/run-lock.ts';
import { StageOutput } from '../run/stage-output.ts';
import { runCommandStage, runModuleStage } from '../run/run-stage.ts';
import type { RunResult } from '../run/executor.ts';
import { moduleRunRequest } from '../run/run-request.ts';
import { sha256 } from '../sha256.ts';
import { removeViews } from '../run/input-view.ts';
import { collectOutputs, commandArgv, inputSpecs } from '../run/stage-io.ts';
import { openWorkspace, type OpenOptions } from './workspace.ts';
import { uniqueSuffix } from '../fs-atomic.ts';

export interface LockCheck {
  instance: string;
  status: 'PASS' | 'FAIL';
  note?: string;
  /** Files whose rebuilt hash differs from the lock ("(absent)" for a missing or extra file). */
  diffs: Array<{ file: string; locked: string; rebuilt: string }>;
  ms?: number;
}

export interface VerifyLockOptions extends OpenOptions {
  /** Instances to rebuild (names); default every locked instance of the profile. */
  instances?: string[];
  sample?: number;
  jobs?: number;
  reporter?: Reporter;
  signal?: AbortSignal;
}

/**
 * The artifacts on disk against the lock: every locked instance whose folder exists must hold exactly the
 * locked outputs. A folder edited by hand (or by a stage that is not deterministic, or a stale checkout)
 * fails here, naming the files; a folder that does not exist yet is not checked (the rebuild covers it).
 */
export function checkArtifactsAgainstLock(root: string, section: Record<string, { outputs: Record<string, string> }>, names: readonly string[], cache: FileHashCache): LockCheck[] {
  const checks: LockCheck[] = [];
  for (const name of names) {
    const dir = instanceDir(root, name);
    if (!existsSync(dir)) continue;
    const locked = section[name]!.outputs;
    const { files } = listFiles(dir);
    const present = files.filter((f) => f !== MANIFEST);
    const all = [...new Set([...Object.keys(locked), ...present])].sort();
    const diffs: LockCheck['diffs'] = [];
    for (const file of all) {
      let found = '(absent)';
      if (present.includes(file)) {
        try {
          found = cache.hash(join(dir, file));
        } catch {
          found = '(unreadable)';
        }
      }
      const want = locked[file] ?? '(absent)';
      if (found !== want) diffs.push({ file, locked: want, rebuilt: found });
    }
    checks.push(
      diffs.length
        ? { instance: name, status: 'FAIL', note: `artifacts/${name} differs from the lock in ${diffs.length} file${diffs.length === 1 ? '' : 's'}; run grokpipe repro to restore it`, diffs }
        : { instance: name, status: 'PASS', diffs },
    );
  }
  return checks;
}

export async function verifyLock(root: string, options: VerifyLockOptions = {}): Promise<{ profile: string; checks: LockCheck[]; artifacts: LockCheck[] }> {
  const ws = await openWorkspace(root, { profile: options.profile, set: options.set });
  const { plan, prepared, store, lock } = ws;
  const section = lock.profiles[plan.profile] ?? {};
  const locked = plan.instances.filter((i) => section[i.name]);
  if (locked.length === 0) {
    throw new GrokpipeError({ title: `grokpipe.lock has no instances for profile ${plan.profile}`, file: 'grokpipe.lock', expected: `a lock written by grokpipe repro --profile ${plan.profile}`, found: 'no entries', hint: `run grokpipe repro --profile ${plan.profile} and commit grokpipe.lock` });
  }
  let chosen: Instance[];
  if (options.instances?.length) {
    chosen = options.instances.map((n) => {
      const inst = plan.byName.get(n);
      if (!inst || !section[n]) throw new GrokpipeError({ title: `\`${n}\` is not in grokpipe.lock for profile ${plan.profile}`, expected: `one of: ${locked.slice(0, 6).map((i) => i.name).join(', ')}${locked.length > 6 ? ', …' : ''}`, found: `\`${n}\`` });
      return inst;
    });
  } else if (options.sample !== undefined) {
    const picked = new Set([...locked].sort((a, b) => (sha256(a.name) < sha256(b.name) ? -1 : 1)).slice(0, options.sample).map((i) => i.name));
    chosen = locked.filter((i) => picked.has(i.name));
  } else {
    chosen = locked;
  }

  const runLock = await acquireRunLock(root, { command: 'grokpipe verify --lock', signal: options.signal, onStale: (why) => (options.reporter ?? silentReporter).warn(why) });
  const scratch = join(root, '.grokpipe', `verify-${uniqueSuffix()}`);
  mkdirSync(scratch, { recursive: true });
  const reporter = options.reporter ?? silentReporter;
  const abort = options.signal ?? new AbortController().signal;
  try {
    const inputDirs = new Map<string, string>();
    const materialize = (u: string): string | null => {
      const hit = inputDirs.get(u);
      if (hit) return hit;
      const outs = section[u]!.outputs;
      const dir = mkdtempSync(join(scratch, 'in-'));
      if (store.restoreInto(outs, dir).ok) {
        inputDirs.set(u, dir);
        return dir;
      }
      rmSync(dir, { recursive: true, force: true });
      if (isIntact(root, u, outs, ws.cache)) {
        inputDirs.set(u, instanceDir(root, u));
        return instanceDir(root, u);
      }
      return null;
    };
    const checks: LockCheck[] = [];
    const jobs = Math.max(1, options.jobs ?? 1);
    const queue = [...chosen];
    reporter.begin({ profile: plan.profile, total: chosen.length, jobs });
    const worker = async () => {
      for (let inst = queue.shift(); inst; inst = queue.shift()) checks.push(await checkOne(inst));
    };
    const checkOne = async (inst: Instance): Promise<LockCheck> => {
      const name = inst.name;
      const entry = section[name]!;
      const p = prepared.byName.get(name)!;
      const missingUp = inst.deps.flatMap((d) => d.instances).find((u) => !section[u]);
      if (missingUp) return { instance: name, status: 'FAIL', note: `its upstream ${missingUp} is not in the lock`, diffs: [] };
      const inputs = inputsComponent(inst, (u) => section[u]!.outputs);
      if (typeof inputs === 'string') return { instance: name, status: 'FAIL', note: inputs, diffs: [] };
      const components: KeyComponents = { ...p.fixed, inputs };
      const key = keyOf(components);
      if (key !== entry.key) {
        const rec = store.readRecord(entry.key);
        const changes = rec ? diffComponents(rec.components, components).map((c) => `${c.component} ${c.what}: ${c.old} -> ${c.new}`) : [];
        return { instance: name, status: 'FAIL', note: `the lock is out of date for ${name}: its key is now ${key.slice(0, 12)}, the lock has ${entry.key.slice(0, 12)}${changes.length ? ` (${changes.slice(0, 3).join('; ')})` : ''}; run grokpipe repro first`, diffs: [] };
      }
      const dirs = new Map<string, string>();
      for (const u of inst.deps.flatMap((d) => d.instances)) {
        const d = materialize(u);
        if (!d) return { instance: name, status: 'FAIL', note: `cannot get the locked outputs of ${u}: neither the store nor artifacts/${u} holds them (run grokpipe repro)`, diffs: [] };
        dirs.set(u, d);
      }
      const views = mkdtempSync(join(scratch, 'views-'));
      const specs = inputSpecs(prepared, inst, (u) => dirs.get(u)!, (u) => section[u]!.outputs, views);
      const outDir = mkdtempSync(join(scratch, 'out-'));
      const start = performance.now();
      reporter.start(name, 'run');
      const output = new StageOutput(null, reporter.wantsLog !== false ? (l) => reporter.log(name, l) : null);
      const events = output.events((pr) => reporter.progress(name, pr));
      let result: RunResult;
      if (p.stage.kind === 'module') {
        result = await runModuleStage(moduleRunRequest(root, p, specs, outDir), root, events, abort);
      } else {
        const argv = commandArgv(inst.command!, specs, outDir);
        result = typeof argv === 'string' ? { ok: false, reason: argv, detail: [] } : await runCommandStage(argv, root, events, abort);
      }
      const ms = performance.now() - start;
      output.close();
      removeViews(views);
      if (!result.ok) {
        const c: LockCheck = { instance: name, status: 'FAIL', note: `the rebuild failed: ${result.reason}`, diffs: [], ms };
        reporter.finish(name, { status: 'failed', ms, reason: c.note });
        return c;
      }
      const got = collectOutputs(outDir, p);
      rmSync(outDir, { recursive: true, force: true });
      if (typeof got === 'string') return { instance: name, status: 'FAIL', note: got, diffs: [], ms };
      const files = [...new Set([...Object.keys(entry.outputs), ...Object.keys(got)])].sort();
      const diffs = files.filter((f) => entry.outputs[f] !== got[f]).map((f) => ({ file: f, locked: entry.outputs[f] ?? '(absent)', rebuilt: got[f] ?? '(absent)' }));
      const c: LockCheck = { instance: name, status: diffs.length ? 'FAIL' : 'PASS', diffs, ms, note: diffs.length ? `${diffs.length} output${diffs.length === 1 ? ' differs' : 's differ'} from the lock` : undefined };
      reporter.finish(name, diffs.length ? { status: 'failed', ms, reason: c.note } : { status: 'ran', ms });
      return c;
    };
    await Promise.all(Array.from({ length: Math.min(jobs, chosen.length) }, worker));
    const order = new Map(chosen.map((c, i) => [c.name, i]));
    checks.sort((a, b) => order.get(a.instance)! - order.get(b.instance)!);
    const artifacts = checkArtifactsAgainstLock(root, section, locked.map((i) => i.name), ws.cache);
    return { profile: plan.profile, checks, artifacts };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    runLock.release();
    ws.cache.save();
  }
}
