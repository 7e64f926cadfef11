/**
 * Child process entry: runs one stage instance and exits. The engine forks this file (compiled, or through
 * tsx when the engine itself runs from src/) for every instance, so a throw, a crash, an out-of-memory or
 * a SIGKILL fails that instance only, and no module state leaks from one instance to the next. A
 * TypeScript stage runs as its bundle (module-bundle.ts) when it has one; otherwise tsx is registered here.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom } from './seeded-random.ts';
import { hashesToItsName } from '../content-named.ts';
import { BARRIER_DEP, RUN_DEP, SHARDS_DEP } from '../pipeline/shards.ts';
import type { InputRef, ShardContext, StageContext, StageDefinition } from '../stage.ts';
import type { InputSpec, ParentMessage, RunRequest, WorkerMessage } from './worker-protocol.ts';
import { loadsTypeScript } from '../keys/typescript-modules.ts';

function send(msg: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

export function inputRef(spec: InputSpec): InputRef {
  const allowed = new Set(spec.files);
  const path = (file: string): string => {
    const norm = normalize(file).replace(/^\.\//, '');
    if (isAbsolute(norm) || !allowed.has(norm)) {
      throw new Error(`stage read \`${file}\` from ${spec.instance}, which its dependency does not declare: expected one of ${[...allowed].join(', ') || '(no files)'}; add it to the dependency's files: list`);
    }
    return join(spec.dir, norm);
  };
  return {
    instance: spec.instance,
    stage: spec.stage,
    dir: spec.dir,
    files: spec.files,
    matrix: spec.matrix,
    params: spec.params,
    path,
    read: (file) => readFile(path(file)),
    text: (file) => readFile(path(file), 'utf8'),
    json: async <T>(file: string) => JSON.parse(await readFile(path(file), 'utf8')) as T,
  };
}

/** Whether a bundle's bytes still hash to the end of its name (content-named.ts, module-bundle.ts). */
async function bundleIsIntact(file: string): Promise<boolean> {
  try {
    return hashesToItsName(file, await readFile(file));
  } catch {
    return false;
  }
}

async function run(req: RunRequest): Promise<void> {
  const controller = new AbortController();
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'abort') controller.abort();
  });
  // The bundle was checked when the engine chose it; checked again here, since a stage that ran in
  // between could have rewritten it. A bundle that no longer hashes to its name is not run: the module is.
  const code = req.code && (await bundleIsIntact(req.code)) ? req.code : undefined;
  const file = code ?? req.module;
  // A bundle's stack traces then name the stage's own files and lines, as the module's would.
  if (code) process.setSourceMapsEnabled(true);
  await loadsTypeScript(file);
  const mod = (await import(pathToFileURL(file).href)) as { default: StageDefinition };
  const def = mod.default;
  const inputs: StageContext['inputs'] = {};
  for (const [name, spec] of Object.entries(req.inputs)) inputs[name] = Array.isArray(spec) ? spec.map(inputRef) : inputRef(spec);
  const shard = req.shard ? shardContext(req.shard, inputs) : undefined;
  const phase = req.shard?.phase ?? 'run';
  const fn = def[phase];
  if (typeof fn !== 'function') throw new Error(`${req.module} has no ${phase}(ctx) export, which its sharded stage needs`);
  let lastProgress = 0;
  const ctx: StageContext = {
    instance: req.instance,
    stage: req.stage,
    params: req.params,
    matrix: req.matrix,
    inputs,
    files: req.files ?? [],
    outDir: req.outDir,
    rng: seededRandom(req.rngSeed),
    log: (message) => void send({ type: 'log', message: String(message) }),
    progress: (p) => {
      // Throttled here so a tight loop reporting every step costs nothing measurable.
      const now = performance.now();
      if (now - lastProgress < 100 && p.done < p.total) return;
      lastProgress = now;
      void send({ type: 'progress', progress: { done: p.done, total: p.total, phase: p.phase, detail: p.detail } });
    },
    signal: controller.signal,
    ...(shard ? { shard } : {}),
  };
  await fn.call(def, ctx);
}

/** ctx.shard from the request; the engine's phase dependencies (@shards, @run, @barrier) move out of ctx.inputs. */
function shardContext(req: NonNullable<RunRequest['shard']>, inputs: StageContext['inputs']): ShardContext {
  const take = (name: string) => {
    const v = inputs[name];
    delete inputs[name];
    return v;
  };
  const shards = take(SHARDS_DEP);
  const run = take(RUN_DEP);
  const barrier = take(BARRIER_DEP);
  const ctx: ShardContext = { axis: req.axis, phase: req.phase };
  if (req.value !== null) ctx.value = req.value;
  if (shards) ctx.shards = Array.isArray(shards) ? shards : [shards];
  if (run && !Array.isArray(run)) ctx.run = run;
  if (barrier && !Array.isArray(barrier)) ctx.barrier = barrier;
  return ctx;
}

// The engine is gone (killed): nobody can store the outputs, so stop instead of running on as an orphan,
// with every process the stage started (this worker leads the stage's process group).
process.on('disconnect', () => {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.exit(1);
  }
});

process.once('message', (m: ParentMessage) => {
  if (m.type !== 'run') return;
  run(m).then(
    async () => {
      await send({ type: 'done' });
      process.exit(0);
    },
    async (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      await send({ type: 'error', message: err.message, stack: err.stack });
      process.exit(1);
    },
  );
});
