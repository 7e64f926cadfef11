/**
 * `grokpipe verify [--profile P] [--json]`: check claims.yaml against the artifacts (exit 1 on any FAIL,
 * else 3 when a claim's artifact is not built).
 * `grokpipe verify --lock [--sample N | instances...] [-j N]`: rebuild locked instances in a scratch
 * folder and compare output hashes with grokpipe.lock (exit 1 on any difference).
 */
import { canonicalJsonPretty } from '../core/canonical-json.ts';
import { claimsDocument, claimsExitCode, evaluateClaims, loadClaims, renderClaimsTable } from '../engine/verbs/claims.ts';
import { GrokpipeError } from '../engine/errors.ts';
import { FileHashCache } from '../engine/hashing/file-hash-cache.ts';
import { readLock } from '../engine/store/lock-file.ts';
import { buildPlan } from '../engine/pipeline/plan.ts';
import { loadProject } from '../engine/pipeline/project.ts';
import { createReporter, formatDuration } from '../engine/ui/progress.ts';
import { verifyLock, type LockCheck, type VerifyLockResult } from '../engine/verbs/verify-lock.ts';
import type { CliIo } from './io.ts';
import { jobsOption, parse, rootFrom } from './options.ts';

export const VERIFY_USAGE = 'grokpipe verify [--json] [--profile P] | grokpipe verify --lock [--sample N | instances...] [-j N] [--json] [--profile P] [-C dir]';

export async function verifyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('verify', argv, { lock: { type: 'boolean' }, sample: { type: 'string' }, jobs: { type: 'string', short: 'j' }, verbose: { type: 'boolean', short: 'v' }, json: { type: 'boolean' } }, VERIFY_USAGE);
  if (values.help) return (io.out.write(`${VERIFY_USAGE}\n`), 0);
  const root = rootFrom(io.cwd, values.C);
  if (!values.lock) {
    if (positionals.length || values.sample !== undefined) throw new GrokpipeError({ title: 'instances and --sample only apply to `verify --lock`', expected: VERIFY_USAGE, found: argv.join(' ') });
    const plan = buildPlan(loadProject(root), { profile: values.profile, set: values.set });
    const lock = readLock(root);
    const claims = loadClaims(root);
    const cache = new FileHashCache(root);
    const results = evaluateClaims(root, plan, lock, cache, claims);
    cache.save();
    if (values.json) io.out.write(canonicalJsonPretty(claimsDocument(plan.profile, results)));
    else io.out.write(`claims for profile ${plan.profile}\n${renderClaimsTable(results)}`);
    return claimsExitCode(results);
  }
  let sample: number | undefined;
  if (values.sample !== undefined) {
    sample = Number(values.sample);
    if (!Number.isInteger(sample) || sample < 1) throw new GrokpipeError({ title: 'bad value for --sample', expected: 'a whole number of instances, at least 1', found: `\`${values.sample}\`` });
    if (positionals.length) throw new GrokpipeError({ title: 'give either --sample N or instance names, not both', expected: VERIFY_USAGE, found: argv.join(' ') });
  }
  const { profile, checks, artifacts, against } = await verifyLock(root, { profile: values.profile, set: values.set, instances: positionals, sample, jobs: jobsOption(values.jobs), reporter: values.verbose ? createReporter(io.err, { verbose: true }) : undefined, signal: io.signal });
  const failed = checks.filter((c) => c.status === 'FAIL').length;
  const altered = artifacts.filter((c) => c.status === 'FAIL');
  const exitCode = failed || altered.length ? 1 : 0;
  if (values.json) {
    io.out.write(canonicalJsonPretty(lockDocument(profile, checks, artifacts, exitCode, against)));
    return exitCode;
  }
  if (against.note) io.out.write(`note: ${against.note}\n`);
  io.out.write(`verify --lock (profile ${profile}): rebuilt ${checks.length} instance${checks.length === 1 ? '' : 's'} in a scratch folder\n`);
  for (const c of checks) {
    io.out.write(`${c.status}  ${c.instance}${c.ms !== undefined ? `  (${formatDuration(c.ms)})` : ''}${c.note ? `: ${c.note}` : ''}\n`);
    for (const d of c.diffs) io.out.write(`    ${d.file}: lock ${d.locked.slice(0, 16)}  rebuilt ${d.rebuilt.slice(0, 16)}\n`);
  }
  io.out.write(`${checks.length - failed} identical to the lock, ${failed} differ or failed\n`);
  io.out.write(`artifacts/: ${artifacts.length} instance folder${artifacts.length === 1 ? '' : 's'} checked against the lock, ${altered.length} differ\n`);
  for (const c of altered) {
    io.out.write(`FAIL  ${c.instance}: ${c.note}\n`);
    for (const d of c.diffs) io.out.write(`    ${d.file}: lock ${d.locked.slice(0, 16)}  found ${d.rebuilt.slice(0, 16)}\n`);
  }
  return exitCode;
}

/** `verify --lock --json` (docs/json.md): the rebuilt instances, then the folders of artifacts/. */
function lockDocument(profile: string, checks: LockCheck[], artifacts: LockCheck[], exitCode: number, against: VerifyLockResult['against']) {
  const row = (c: LockCheck) => ({ instance: c.instance, status: c.status.toLowerCase(), ms: c.ms ?? null, note: c.note ?? null, diffs: c.diffs.map((d) => ({ file: d.file, locked: d.locked, found: d.rebuilt })) });
  return {
    grokpipe: 'verify-lock',
    version: 1,
    profile,
    exitCode,
    against,
    rebuilt: checks.map(row),
    artifacts: artifacts.map(row),
  };
}
