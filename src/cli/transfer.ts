/**
 * `grokpipe push [targets] [--remote URL] [-j N] [--profile P]` and `grokpipe pull [...]`: the committed
 * lock's instances between the local store and the remote one. The summary goes to stdout, the progress
 * line to stderr; any instance refused, missing or failed makes the exit code non-zero.
 */
import { DEFAULT_TRANSFER_JOBS, pull, push, type SyncResult } from '../engine/verbs/remote-sync.ts';
import { formatBytes } from '../engine/ui/transfer-progress.ts';
import type { CliIo } from './io.ts';
import { jobsOption, parse, rootFrom } from './options.ts';
import { REMOTE_OPTIONS, requireRemote } from './remote-option.ts';

export const PUSH_USAGE = `grokpipe push [targets...] [--remote URL] [-j N] [--profile P] [-C dir]`;
export const PULL_USAGE = `grokpipe pull [targets...] [--remote URL] [-j N] [--profile P] [-C dir]`;

async function transferCommand(verb: 'push' | 'pull', argv: string[], io: CliIo): Promise<number> {
  const usage = verb === 'push' ? PUSH_USAGE : PULL_USAGE;
  const { values, positionals } = parse(verb, argv, { ...REMOTE_OPTIONS, jobs: { type: 'string', short: 'j' } }, usage);
  if (values.help) return (io.out.write(`${usage}\n`), 0);
  const root = rootFrom(io.cwd, values.C);
  const settings = requireRemote(root, values, verb);
  const options = { profile: values.profile, targets: positionals, jobs: jobsOption(values.jobs) ?? DEFAULT_TRANSFER_JOBS, progress: io.err, signal: io.signal };
  const result = verb === 'push' ? await push(root, settings, options) : await pull(root, settings, options);
  return report(verb, result, io);
}

function report(verb: 'push' | 'pull', r: SyncResult, io: CliIo): number {
  const n = (s: string) => r.items.filter((i) => i.status === s).length;
  for (const i of r.items) if (i.status === 'refused') io.err.write(`refused  ${i.instance}: ${i.reason}\n`);
  const absent = r.items.filter((i) => i.status === 'absent');
  for (const i of absent.slice(0, 10)) io.err.write(`absent   ${i.instance}: the remote has no record for key ${i.key.slice(0, 12)}\n`);
  if (absent.length > 10) io.err.write(`absent   … and ${absent.length - 10} more\n`);
  const moved = verb === 'push' ? `sent ${n('sent')}, already on the remote ${n('present')}` : `fetched ${n('fetched')}, already here ${n('present')}, not on the remote ${n('absent')}`;
  io.out.write(`${verb} (profile ${r.profile}, ${r.remote}): ${moved}, refused ${n('refused')}; ${r.files} file${r.files === 1 ? '' : 's'}, ${formatBytes(r.bytes)}\n`);
  if (verb === 'pull' && n('fetched') + n('present') > 0 && !n('refused') && !n('absent')) io.out.write('run grokpipe repro to restore them into artifacts/\n');
  return n('refused') || n('absent') ? 1 : 0;
}

export const pushCommand = (argv: string[], io: CliIo) => transferCommand('push', argv, io);
export const pullCommand = (argv: string[], io: CliIo) => transferCommand('pull', argv, io);
