/**
 * `grokpipe verify [--profile P] [--json]`: check claims.yaml against the artifacts (exit 1 on any FAIL,
 * else 3 when a claim's artifact is not built).
 * `grokpipe verify --lock [--sample N | instances...] [-j N]`: rebuild locked instances in a scratch
 * folder and compare output hashes with grokpipe.lock (exit 1 on any difference); with a remote store set
 * (GROKPIPE_REMOTE, grokpipe.remote; not --no-remote) the locked results the local store lacks are pulled first.
 * `grokpipe verify --remote URL --sample N`: the audit (verbs/audit.ts).
 */
import { canonicalJsonPretty } from '../core/canonical-json.ts';
import { claimsDocument, claimsExitCode, evaluateClaims, loadClaims, renderClaimsTable } from '../engine/verbs/claims.ts';
import { GrokpipeError, isGrokpipeError } from '../engine/errors.ts';
import { FileHashCache } from '../engine/hashing/file-hash-cache.ts';
import { readLock } from '../engine/store/lock-file.ts';
import { buildPlan } from '../engine/pipeline/plan.ts';
import { loadProject } from '../engine/pipeline/project.ts';
import { createReporter, formatDuration } from '../engine/ui/progress.ts';
import { verifyLock, type LockCheck, type VerifyLockResult } from '../engine/verbs/verify-lock.ts';
import type { CliIo } from './io.ts';
import { jobsOption, parse, rootFrom, wholeNumber } from './options.ts';
import { REMOTE_OPTIONS, remoteFromOptions, requireRemote } from './remote-option.ts';
import { pull } from '../engine/verbs/remote-sync.ts';
import { audit } from '../engine/verbs/audit.ts';
import { DURATION_EXPECTED, parseDuration } from '../engine/duration.ts';

export const VERIFY_USAGE = 'grokpipe verify [--json] [--profile P] | grokpipe verify --lock [--sample N | instances...] [-j N] [--json] [--profile P] [-C dir] | grokpipe verify --remote URL --sample N [--seed S] [--budget D] [-j N] [--profile P]';

export async function verifyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('verify', argv, { lock: { type: 'boolean' }, sample: { type: 'string' }, jobs: { type: 'string', short: 'j' }, verbose: { type: 'boolean', short: 'v' }, json: { type: 'boolean' }, ...REMOTE_OPTIONS, seed: { type: 'string' }, budget: { type: 'string' } }, VERIFY_USAGE);
  if (values.help) return (io.out.write(`${VERIFY_USAGE}\n`), 0);
  const root = rootFrom(io.cwd, values.C);
  if (values.remote !== undefined) return auditCommand(root, values, positionals, argv, io);
  if (values.seed !== undefined || values.budget !== undefined) throw new GrokpipeError({ title: '--seed and --budget only apply to the audit, `verify --remote URL --sample N`', expected: VERIFY_USAGE, found: argv.join(' ') });
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
    const n = wholeNumber(values.sample, 1);
    if (n === null) throw new GrokpipeError({ title: 'bad value for --sample', expected: 'a whole number of instances, at least 1', found: `\`${values.sample}\`` });
    sample = n;
    if (positionals.length) throw new GrokpipeError({ title: 'give either --sample N or instance names, not both', expected: VERIFY_USAGE, found: argv.join(' ') });
  }
  // Read through: the locked results the local store lacks come from the remote store, if one is set,
  // verified as pull verifies them; a remote that fails is warned about and the check goes on without it.
  const remote = values.set?.length ? null : remoteFromOptions(root, values);
  if (remote) {
    try {
      const pulled = await pull(root, remote, { profile: values.profile, progress: io.err, signal: io.signal });
      for (const i of pulled.items) if (i.status === 'refused') io.err.write(`warning: ${i.reason}\n`);
    } catch (e) {
      if (!isGrokpipeError(e)) throw e;
      io.err.write(`warning: the remote store ${remote.where} is not usable (${e.details.title}: ${e.details.found ?? ''}); verifying from the local store alone\n`);
    }
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
  const row = (c: LockCheck) => ({ instance: c.instance, status: c.status.toLowerCase(), ms: c.ms === undefined ? null : Math.round(c.ms), note: c.note ?? null, diffs: c.diffs.map((d) => ({ file: d.file, locked: d.locked, found: d.rebuilt })) });
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

/** `verify --remote URL --sample N [--seed S] [--budget D]`: the audit (verbs/audit.ts), one summary line last. */
async function auditCommand(root: string, values: { remote?: string; sample?: string; seed?: string; budget?: string; jobs?: string; profile?: string; lock?: boolean; json?: boolean; verbose?: boolean }, positionals: string[], argv: string[], io: CliIo): Promise<number> {
  if (values.lock || values.json || positionals.length) throw new GrokpipeError({ title: 'the audit (`verify --remote`) takes no --lock, --json or instance names', expected: VERIFY_USAGE, found: argv.join(' ') });
  const sample = values.sample === undefined ? null : wholeNumber(values.sample, 0);
  if (sample === null) throw new GrokpipeError({ title: 'the audit needs --sample N', expected: 'a whole number of instances to rebuild and compare with the lock, e.g. --sample 8 (0: none)', found: values.sample === undefined ? 'no --sample' : `\`${values.sample}\`` });
  let budgetMs: number | undefined;
  if (values.budget !== undefined) {
    const d = parseDuration(values.budget);
    if (!d.ok) throw new GrokpipeError({ title: 'bad value for --budget', expected: DURATION_EXPECTED, found: `\`${values.budget}\` (${d.problem})` });
    budgetMs = d.ms;
  }
  const settings = requireRemote(root, values, 'verify --remote');
  const t0 = performance.now();
  const r = await audit(root, settings, { profile: values.profile, sample, seed: values.seed, budgetMs, jobs: jobsOption(values.jobs), progress: io.err, reporter: values.verbose ? createReporter(io.err, { verbose: true }) : undefined, signal: io.signal });
  const w = (t: string) => io.out.write(`${t}\n`);
  w(`audit of profile ${r.profile} against ${r.remote}; seed ${r.seed} (grokpipe verify --remote ${r.remote} --sample ${sample} --seed ${r.seed}${values.budget ? ` --budget ${values.budget}` : ''} repeats the sample)`);
  const n = (s: string) => r.pulled.items.filter((i) => i.status === s).length;
  w(`restored: ${r.restored} of ${r.locked} locked instances (fetched ${n('fetched')}, already here ${n('present')}), every output checked against grokpipe.lock`);
  for (const p of r.restoreProblems) w(`    not restored: ${p}`);
  const stages = r.stages;
  w(`rebuilt: ${r.chosen.length} instance${r.chosen.length === 1 ? '' : 's'} from ${stages.length} stage${stages.length === 1 ? '' : 's'} in a scratch folder, compared with the lock`);
  for (const c of r.checks) {
    w(`${c.status}  ${c.instance}${c.ms !== undefined ? `  (${formatDuration(c.ms)})` : ''}${c.note ? `: ${c.note}` : ''}`);
    for (const d of c.diffs) w(`    ${d.file}: lock ${d.locked.slice(0, 16)}  rebuilt ${d.rebuilt.slice(0, 16)}`);
  }
  if (r.tooLong.length) w(`left out by --budget ${values.budget}: ${r.tooLong.map((t) => `${t.instance} (${formatDuration(t.ms)})`).join(', ')}`);
  w(`claims for profile ${r.profile}\n${renderClaimsTable(r.claims).replace(/\n$/, '')}`);
  const identical = r.checks.filter((c) => c.status === 'PASS').length;
  const count = (s: string) => r.claims.filter((c) => c.status === s).length;
  const others = r.claims.length - count('PASS') - count('SKIP') - count('DIVERGES');
  const diverging = count('DIVERGES') ? `, ${count('DIVERGES')} diverge as explained` : '';
  w(`audit: restored ${r.restored}/${r.locked}, rebuilt ${identical}/${r.chosen.length} identical to the lock, claims ${count('PASS')} passed${diverging}${others ? `, ${others} did not` : ''} (${count('SKIP')} of other profiles): ${r.ok ? 'PASS' : 'FAIL'} in ${formatDuration(performance.now() - t0)}`);
  return r.ok ? 0 : 1;
}
