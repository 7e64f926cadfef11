/**
 * Predicted wall time of a build: the coordinator's own rule (a free worker takes the ready instance
 * that comes first in the plan; Pool in repro.ts) simulated on N workers with each instance's duration,
 * plus the critical path (the longest chain of dependent instances), which no number of workers beats.
 * Pure arithmetic on names, dependencies and milliseconds: where the durations come from is the caller's.
 */

export interface TimedInstance {
  name: string;
  /** Names of the instances it waits for (all earlier in the list). */
  deps: string[];
  ms: number;
}

export interface Schedule {
  workers: number;
  wallMs: number;
  /** Sum of every instance's duration: the core time the build occupies. */
  coreMs: number;
}

/** List scheduling in list order (dependencies first) on `workers` workers, one instance per worker. */
export function simulate(instances: TimedInstance[], workers: number): Schedule {
  const index = new Map(instances.map((inst, i) => [inst.name, i]));
  const waitingFor = instances.map((inst) => inst.deps.filter((d) => index.has(d)).length);
  const dependents: number[][] = instances.map(() => []);
  instances.forEach((inst, i) => inst.deps.forEach((d) => index.has(d) && dependents[index.get(d)!]!.push(i)));
  // Ready instances by plan position; running ones by end time. Sizes here are hundreds: arrays suffice.
  const ready: number[] = [];
  const running: Array<{ end: number; i: number }> = [];
  waitingFor.forEach((n, i) => n === 0 && ready.push(i));
  let now = 0;
  let done = 0;
  let coreMs = 0;
  while (done < instances.length) {
    ready.sort((a, b) => a - b);
    while (running.length < workers && ready.length) {
      const i = ready.shift()!;
      running.push({ end: now + instances[i]!.ms, i });
      coreMs += instances[i]!.ms;
    }
    if (!running.length) throw new Error('wall-time simulation: a dependency cycle or a dependency outside the list');
    running.sort((a, b) => a.end - b.end || a.i - b.i);
    const next = running.shift()!;
    now = next.end;
    done++;
    for (const j of dependents[next.i]!) if (--waitingFor[j]! === 0) ready.push(j);
  }
  return { workers, wallMs: now, coreMs };
}

/** The longest chain of dependent instances by summed duration, first to last. */
export function criticalPath(instances: TimedInstance[]): { ms: number; names: string[] } {
  const best = new Map<string, { ms: number; prev: string | null }>();
  for (const inst of instances) {
    let prev: string | null = null;
    let start = 0;
    for (const d of inst.deps) {
      const b = best.get(d);
      if (b && b.ms > start) ((start = b.ms), (prev = d));
    }
    best.set(inst.name, { ms: start + inst.ms, prev });
  }
  let last: string | null = null;
  let ms = 0;
  for (const [name, b] of best) if (b.ms > ms || last === null) ((ms = b.ms), (last = name));
  const names: string[] = [];
  for (let at = last; at !== null; at = best.get(at)!.prev) names.unshift(at);
  return { ms, names };
}
