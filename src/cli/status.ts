/**
 * `grokpipe status [targets] [--why] [--profile P] [--json] [--exit-code]`: what repro would do, and
 * with --why, why. --exit-code answers "is anything to do?" as `git diff --exit-code` does: 1 when an
 * instance is not up to date, 0 when every one is. The JSON fields are documented in docs/json.md.
 */
import { canonicalJsonPretty } from '../core/canonical-json.ts';
import { assessAll, type Assessment } from '../engine/verbs/assess.ts';
import { openWorkspace } from '../engine/verbs/workspace.ts';
import type { CliIo } from './io.ts';
import { parse, rootFrom } from './options.ts';

export const STATUS_USAGE = 'grokpipe status [targets...] [--why] [--all] [--json] [--exit-code] [--profile P] [-C dir]';

/** The exit code of --exit-code when some instance is stale, waiting or restorable. */
export const EXIT_SOMETHING_TO_DO = 1;

export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('status', argv, { why: { type: 'boolean', short: 'w' }, all: { type: 'boolean', short: 'a' }, json: { type: 'boolean' }, 'exit-code': { type: 'boolean' } }, STATUS_USAGE);
  if (values.help) return (io.out.write(`${STATUS_USAGE}\n`), 0);
  const root = rootFrom(io.cwd, values.C);
  const ws = await openWorkspace(root, { profile: values.profile, set: values.set, targets: positionals });
  const list = assessAll(ws.prepared, ws.selected, { lock: ws.lock, store: ws.store, cache: ws.cache, why: !!values.why || !!values.json });
  ws.cache.save();
  const exitCode = values['exit-code'] && list.some((a) => a.state !== 'up-to-date') ? EXIT_SOMETHING_TO_DO : 0;
  if (values.json) {
    io.out.write(canonicalJsonPretty(statusDocument(ws.plan.profile, list, (name) => ws.plan.byName.get(name)!.stage)));
    return exitCode;
  }
  const n = (s: string) => list.filter((a) => a.state === s).length;
  io.out.write(`profile ${ws.plan.profile}: ${list.length} instance${list.length === 1 ? '' : 's'}: ${n('up-to-date')} up to date, ${n('stale')} stale, ${n('waiting')} waiting on stale upstream, ${n('restorable')} restorable from the store\n`);
  const label = { 'up-to-date': 'up to date', stale: 'stale', waiting: 'waiting', restorable: 'restorable' } as const;
  for (const a of list) {
    if (a.state === 'up-to-date' && !values.all) continue;
    io.out.write(`${label[a.state].padEnd(11)} ${a.instance}${a.reasons.length ? `: ${a.reasons.join('; ')}` : ''}\n`);
    if (values.why && a.state !== 'up-to-date') {
      if (a.baseline) io.out.write(`    compared with ${a.baseline}\n`);
      if (a.baseline && a.changes.length === 0) {
        io.out.write(a.state === 'waiting' ? '    code, params and compute unchanged; it reruns only if its upstream outputs change\n' : '    no key component changed (its folder is missing or was modified)\n');
      }
      const width = Math.max(0, ...a.changes.map((c) => c.what.length));
      for (const c of a.changes) io.out.write(`    ${c.component.padEnd(8)} ${c.what.padEnd(width)}  ${c.old}  ->  ${c.new}\n`);
    }
  }
  return exitCode;
}

/** `status --json`: every selected instance in plan order, up to date ones included (docs/json.md). */
export function statusDocument(profile: string, list: Assessment[], stageOf: (instance: string) => string) {
  const count = (state: Assessment['state']) => list.filter((a) => a.state === state).length;
  return {
    grokpipe: 'status',
    version: 1,
    profile,
    counts: { 'up-to-date': count('up-to-date'), stale: count('stale'), waiting: count('waiting'), restorable: count('restorable') },
    instances: list.map((a) => ({
      instance: a.instance,
      stage: stageOf(a.instance),
      state: a.state,
      key: a.key,
      reasons: a.reasons,
      baseline: a.baseline,
      changes: a.changes.map((c) => ({ component: c.component, what: c.what, old: c.old, new: c.new })),
    })),
  };
}
