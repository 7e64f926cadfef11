/** `grokpipe repro [targets] [--dry-run] [--force] [-j N] [--profile P] [--keep-going] [--wait]` */
import { repro } from '../engine/verbs/repro.ts';
import { GrokpipeError } from '../engine/errors.ts';
import { DEFAULT_EXECUTOR, defaultSlots, EXECUTOR_NAMES, executorDescription, isExecutorName } from '../engine/run/executors.ts';
import { createReporter } from '../engine/ui/progress.ts';
import type { CliIo } from './io.ts';
import { jobsOption, parse, rootFrom } from './options.ts';
import { REMOTE_OPTIONS, remoteFromOptions } from './remote-option.ts';

export const REPRO_USAGE = 'grokpipe repro [targets...] [--dry-run] [--force] [-j N] [--profile P] [--keep-going] [--wait] [--frozen] [--executor local|slurm] [--remote URL | --no-remote] [--verbose] [--set vars.x=v] [-C dir]';

export async function reproCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('repro', argv, {
    'dry-run': { type: 'boolean', short: 'n' },
    force: { type: 'boolean', short: 'f' },
    jobs: { type: 'string', short: 'j' },
    cores: { type: 'string', short: 'c' },
    'keep-going': { type: 'boolean', short: 'k' },
    wait: { type: 'boolean' },
    frozen: { type: 'boolean' },
    executor: { type: 'string', short: 'e' },
    verbose: { type: 'boolean', short: 'v' },
    ...REMOTE_OPTIONS,
  }, REPRO_USAGE);
  if (values.help) return (io.out.write(`${REPRO_USAGE}\n`), 0);
  const root = rootFrom(io.cwd, values.C);
  const executor = values.executor ?? DEFAULT_EXECUTOR;
  if (!isExecutorName(executor)) {
    const choices = EXECUTOR_NAMES.map((n) => `\`--executor ${n}\` (${executorDescription(n)})`).join(' or ');
    throw new GrokpipeError({ title: 'unknown executor', expected: choices, found: `\`${executor}\`` });
  }
  // -c/--cores is how Snakemake users say -j; one of the two, so that no command line means two numbers.
  if (values.jobs !== undefined && values.cores !== undefined) throw new GrokpipeError({ title: 'give -j or -c, not both', expected: '-j N (or -c N, --cores N, its Snakemake spelling): instances running at once', found: argv.join(' ') });
  const jobs = jobsOption(values.jobs ?? values.cores) ?? defaultSlots(executor);
  const reporter = createReporter(io.err, { verbose: values.verbose });
  const result = await repro(root, {
    targets: positionals,
    profile: values.profile,
    set: values.set,
    dryRun: values['dry-run'],
    force: values.force,
    jobs,
    keepGoing: values['keep-going'],
    wait: values.wait,
    frozen: values.frozen,
    executor,
    reporter,
    signal: io.signal,
    command: `grokpipe repro ${argv.join(' ')}`.trim(),
    // A dry run writes nothing, so it does not fetch either.
    remote: values['dry-run'] ? null : remoteFromOptions(root, values),
  });
  if (result.plan) {
    const verb = { 'up-to-date': 'up to date   ', restorable: 'would restore', stale: 'would run    ', waiting: 'would run?   ' } as const;
    for (const a of result.plan) io.out.write(`${verb[a.state]}  ${a.instance}${a.reasons.length ? `  (${a.reasons[0]})` : ''}\n`);
    const n = (s: string) => result.plan!.filter((a) => a.state === s).length;
    io.out.write(`dry run (profile ${result.summary.profile}): ${n('stale')} to run, ${n('waiting')} to run if their upstream outputs change, ${n('restorable')} to restore, ${n('up-to-date')} up to date; nothing was written\n`);
  }
  // 128 + SIGINT, as shells report an interrupted command.
  return io.signal?.aborted ? 130 : result.exitCode;
}
