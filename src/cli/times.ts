/** `grokpipe times [targets] [--profile P] [--json]`: per stage, what ran, what was restored and how long it took. */
import { canonicalJsonPretty } from '../core/canonical-json.ts';
import { readManifest } from '../engine/store/artifacts.ts';
import { formatDuration } from '../engine/ui/progress.ts';
import { stageTimes } from '../engine/verbs/stage-times.ts';
import { alignColumns } from '../engine/text-columns.ts';
import { buildPlan, selectTargets } from '../engine/pipeline/plan.ts';
import { loadProject } from '../engine/pipeline/project.ts';
import type { CliIo } from './io.ts';
import { parse, rootFrom } from './options.ts';

export const TIMES_USAGE = 'grokpipe times [targets...] [--json] [--profile P] [-C dir]';

export async function timesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('times', argv, { json: { type: 'boolean' } }, TIMES_USAGE);
  if (values.help) return (io.out.write(`${TIMES_USAGE}\n`), 0);
  const root = rootFrom(io.cwd, values.C);
  const plan = buildPlan(loadProject(root), { profile: values.profile, set: values.set });
  const selected = selectTargets(plan, positionals);
  const rows = stageTimes(selected, (name) => readManifest(root, name));
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0);
  if (values.json) {
    // docs/json.md: durations in whole milliseconds as the manifests record them; rows in the table's order.
    const row = (r: (typeof rows)[number]) => ({ stage: r.stage, ran: r.ran, restored: r.restored, notBuilt: r.missing, ranMs: r.ranMs, longest: r.longest ? { instance: r.longest.instance, ms: r.longest.ms } : null });
    io.out.write(canonicalJsonPretty({
      grokpipe: 'times',
      version: 1,
      profile: plan.profile,
      stages: rows.map(row),
      total: { ran: sum((r) => r.ran), restored: sum((r) => r.restored), notBuilt: sum((r) => r.missing), ranMs: sum((r) => r.ranMs) },
    }));
    return 0;
  }
  const table = [['stage', 'ran', 'restored', 'not built', 'run time (sum)', 'longest instance']];
  for (const r of rows) {
    table.push([
      r.stage,
      String(r.ran),
      String(r.restored),
      String(r.missing),
      formatDuration(r.ranMs),
      r.longest ? `${r.longest.instance} ${formatDuration(r.longest.ms)}` : '-',
    ]);
  }
  table.push(['all', String(sum((r) => r.ran)), String(sum((r) => r.restored)), String(sum((r) => r.missing)), formatDuration(sum((r) => r.ranMs)), '']);
  io.out.write(`times (profile ${plan.profile}), from the manifests in artifacts/; run time is summed over instances, not wall time\n`);
  for (const line of alignColumns(table).lines) io.out.write(`${line}\n`);
  return 0;
}
