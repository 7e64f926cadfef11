/** `grokpipe status [targets] [--why] [--profile P]`: what repro would do, and with --why, why. */
import { assessAll } from '../engine/verbs/assess.ts';
import { openWorkspace } from '../engine/verbs/workspace.ts';
import type { CliIo } from './io.ts';
import { parse, rootFrom } from './options.ts';

export const STATUS_USAGE = 'grokpipe status [targets...] [--why] [--all] [--profile P] [-C dir]';

export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('status', argv, { why: { type: 'boolean', short: 'w' }, all: { type: 'boolean', short: 'a' } }, STATUS_USAGE);
  if (values.help) return (io.out.write(`${STATUS_USAGE}\n`), 0);
  const root = rootFrom(io.cwd, values.C);
  const ws = await openWorkspace(root, { profile: values.profile, set: values.set, targets: positionals });
  const list = assessAll(ws.prepared, ws.selected, { lock: ws.lock, store: ws.store, cache: ws.cache, why: !!values.why });
  ws.cache.save();
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
  return 0;
}
