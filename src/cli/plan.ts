/**
 * `grokpipe plan [targets] [--profile P] [--cores N ...]`: how long a build of the profile takes from an
 * empty store on N workers, its core-hours, and its critical path, from each instance's measured or
 * estimated duration (instance-durations.ts) and the scheduler's own rule (wall-time.ts).
 */
import { availableParallelism } from 'node:os';
import { DURATION_EXPECTED, parseDuration } from '../engine/duration.ts';
import { canonicalJsonPretty } from '../core/canonical-json.ts';
import { GrokpipeError } from '../engine/errors.ts';
import { instanceDurations, type DurationSource } from '../engine/verbs/instance-durations.ts';
import { formatDuration } from '../engine/ui/progress.ts';
import { alignColumns } from '../engine/text-columns.ts';
import { criticalPath, simulate, type TimedInstance } from '../engine/verbs/wall-time.ts';
import { openWorkspace } from '../engine/verbs/workspace.ts';
import type { CliIo } from './io.ts';
import { parse, rootFrom, wholeNumber } from './options.ts';

export const PLAN_USAGE = 'grokpipe plan [targets...] [--profile P] [--cores N[,N...]]... [--overhead 500ms] [--json] [-C dir]';

/**
 * Added to each instance not measured: starting its process (tsx) takes about 0.3-0.5 s here
 * (docs/pipeline.md); a Slurm job's turnaround is seconds (pass --overhead 5s). Measured durations
 * already hold it.
 */
const DEFAULT_OVERHEAD = '500ms';

function coresOption(values: string[] | undefined): number[] {
  if (!values?.length) return [availableParallelism()];
  const out: number[] = [];
  for (const v of values.flatMap((s) => s.split(','))) {
    const n = wholeNumber(v, 1);
    if (n === null) throw new GrokpipeError({ title: 'bad value for --cores', expected: 'whole numbers of workers, at least 1 (e.g. --cores 2,16,64)', found: `\`${v}\`` });
    out.push(n);
  }
  return out;
}

const hours = (ms: number) => (ms / 3_600_000).toFixed(ms < 36_000_000 ? 2 : 1);

function how(d: DurationSource): string {
  if (d.kind === 'measured') return `measured (${d.from})`;
  if (d.kind === 'estimated') return `estimated: ${d.basis}`;
  return 'unknown (no measurement, no estimate): counted as its start-up only';
}

export async function planCommand(argv: string[], io: CliIo): Promise<number> {
  // -n was the cores here once; everywhere else (repro, gc, make, Snakemake) it is a dry run.
  if (argv.some((a) => a === '-n' || /^-n\d/.test(a))) throw new GrokpipeError({ title: '`-n` is not an option of `grokpipe plan`', expected: '-c N or --cores N for the numbers of workers (as Snakemake spells it); -n means --dry-run in repro and gc', found: argv.join(' '), hint: 'grokpipe plan --cores 2,16,64' });
  const { values, positionals } = parse('plan', argv, { cores: { type: 'string', multiple: true, short: 'c' }, overhead: { type: 'string' }, json: { type: 'boolean' } }, PLAN_USAGE);
  if (values.help) return (io.out.write(`${PLAN_USAGE}\n`), 0);
  const cores = coresOption(values.cores);
  const overhead = parseDuration(values.overhead ?? DEFAULT_OVERHEAD);
  if (!overhead.ok) throw new GrokpipeError({ title: 'bad value for --overhead', expected: DURATION_EXPECTED, found: overhead.problem });
  const root = rootFrom(io.cwd, values.C);
  const ws = await openWorkspace(root, { profile: values.profile, set: values.set, targets: positionals });
  const durations = await instanceDurations(ws);
  for (const d of durations.values()) if (d.kind !== 'measured') d.ms += overhead.ms;
  ws.cache.save();
  const timed: TimedInstance[] = ws.selected.map((inst) => ({ name: inst.name, deps: inst.deps.flatMap((d) => d.instances), ms: durations.get(inst.name)!.ms }));

  const kinds = { measured: { n: 0, ms: 0 }, estimated: { n: 0, ms: 0 }, unknown: { n: 0, ms: 0 } };
  for (const d of durations.values()) ((kinds[d.kind].n += 1), (kinds[d.kind].ms += d.ms));
  const path = criticalPath(timed);
  const schedules = cores.map((n) => {
    const s = simulate(timed, n);
    const busy = s.wallMs > 0 ? (100 * s.coreMs) / (n * s.wallMs) : 0;
    const bound = s.wallMs <= path.ms * 1.02 ? 'critical path' : s.coreMs / n >= s.wallMs * 0.9 ? 'workers' : 'both';
    return { workers: n, wallMs: s.wallMs, coreMs: s.coreMs, busy, bound };
  });
  if (values.json) {
    io.out.write(canonicalJsonPretty(planDocument(ws.plan.profile, timed.length, kinds, overhead.ms, schedules, path, durations)));
    return 0;
  }
  const w = io.out.write.bind(io.out);
  w(`plan (profile ${ws.plan.profile}): ${timed.length} instances; ${kinds.measured.n} measured, ${kinds.estimated.n} estimated, ${kinds.unknown.n} unknown\n`);
  w(`core time ${formatDuration(kinds.measured.ms + kinds.estimated.ms)} = ${hours(kinds.measured.ms + kinds.estimated.ms)} core-hours (measured ${formatDuration(kinds.measured.ms)}, estimated ${formatDuration(kinds.estimated.ms)})\n`);
  w(`a build from an empty store, one instance per worker, ready instances started in plan order; ${formatDuration(overhead.ms)} of start-up added to each instance not measured:\n`);
  const table = [['workers', 'wall time', 'core-hours', 'busy', 'bound']];
  for (const s of schedules) table.push([String(s.workers), formatDuration(s.wallMs), hours(s.coreMs), `${s.busy.toFixed(0)}%`, s.bound]);
  for (const line of alignColumns(table).lines) w(`  ${line}\n`);
  const onPath = path.names.map((n) => durations.get(n)!);
  const measuredOnPath = onPath.filter((d) => d.kind === 'measured').reduce((s, d) => s + d.ms, 0);
  w(`critical path ${formatDuration(path.ms)} (measured ${formatDuration(measuredOnPath)}, estimated ${formatDuration(path.ms - measuredOnPath)}):\n`);
  const rows = path.names.map((n) => [n, formatDuration(durations.get(n)!.ms), how(durations.get(n)!)]);
  for (const line of alignColumns(rows).lines) w(`  ${line}\n`);
  if (kinds.unknown.n) {
    const names = [...durations].filter(([, d]) => d.kind === 'unknown').map(([n]) => n);
    w(`unknown durations (counted as start-up only): ${names.slice(0, 8).join(', ')}${names.length > 8 ? `, … (${names.length} in all)` : ''}\n`);
  }
  return 0;
}

/**
 * `plan --json` (docs/json.md). Milliseconds are rounded to whole ones (estimates are fractional), so
 * that the same plan prints the same bytes.
 */
function planDocument(
  profile: string,
  instances: number,
  kinds: Record<DurationSource['kind'], { n: number; ms: number }>,
  overheadMs: number,
  schedules: Array<{ workers: number; wallMs: number; coreMs: number; busy: number; bound: string }>,
  path: { ms: number; names: string[] },
  durations: Map<string, DurationSource>,
) {
  const ms = Math.round;
  const source = (d: DurationSource) => ({ kind: d.kind, ms: ms(d.ms), from: d.kind === 'measured' ? d.from : null, basis: d.kind === 'estimated' ? d.basis : null });
  return {
    grokpipe: 'plan',
    version: 1,
    profile,
    instances,
    durations: { measured: { count: kinds.measured.n, ms: ms(kinds.measured.ms) }, estimated: { count: kinds.estimated.n, ms: ms(kinds.estimated.ms) }, unknown: { count: kinds.unknown.n, ms: ms(kinds.unknown.ms) } },
    overheadMs,
    coreMs: ms(kinds.measured.ms + kinds.estimated.ms),
    workers: schedules.map((s) => ({ workers: s.workers, wallMs: ms(s.wallMs), coreMs: ms(s.coreMs), busyPercent: Math.round(s.busy), bound: s.bound })),
    criticalPath: { ms: ms(path.ms), instances: path.names.map((n) => ({ instance: n, ...source(durations.get(n)!) })) },
    unknown: [...durations].filter(([, d]) => d.kind === 'unknown').map(([n]) => n),
  };
}
