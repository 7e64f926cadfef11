/** `grokpipe gc [--dry-run]` */
import { readLock } from '../engine/store/lock-file.ts';
import { acquireRunLock } from '../engine/store/run-lock.ts';
import { collectGarbage } from '../engine/verbs/garbage.ts';
import type { CliIo } from './io.ts';
import { parse, rootFrom } from './options.ts';

export const GC_USAGE = 'grokpipe gc [--dry-run] [-C dir]';

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}

export async function gcCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse('gc', argv, { 'dry-run': { type: 'boolean', short: 'n' } }, GC_USAGE);
  if (values.help) return (io.out.write(`${GC_USAGE}\n`), 0);
  const root = rootFrom(io.cwd, values.C);
  const dry = !!values['dry-run'];
  readLock(root); // a malformed or hostile lock is refused before the run lock is taken or anything removed
  const lock = dry ? null : await acquireRunLock(root, { command: 'grokpipe gc', signal: io.signal, onStale: (why) => io.err.write(`warning: ${why}
`) });
  try {
    const r = collectGarbage(root, { dryRun: dry });
    for (const o of r.objects) io.out.write(`${dry ? 'would remove' : 'removed'} object ${o}\n`);
    for (const k of r.records) io.out.write(`${dry ? 'would remove' : 'removed'} record ${k}\n`);
    io.out.write(`${dry ? 'would remove' : 'removed'} ${r.objects.length} object${r.objects.length === 1 ? '' : 's'} (${bytes(r.bytes)}) and ${r.records.length} run record${r.records.length === 1 ? '' : 's'}; kept ${r.keptObjects} objects referenced by grokpipe.lock or artifacts/\n`);
    if (r.bundles.length) io.out.write(`${dry ? 'would remove' : 'removed'} ${r.bundles.length} stage module bundle${r.bundles.length === 1 ? '' : 's'} (${bytes(r.bundleBytes)}); each is compiled again on first use\n`);
    return 0;
  } finally {
    lock?.release();
  }
}
