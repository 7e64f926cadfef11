/** `grokpipe show <instance> [--json]`: manifest and provenance of one instance. */
import { assessAll } from '../engine/verbs/assess.ts';
import { instanceDir, readManifest } from '../engine/store/artifacts.ts';
import { canonicalJsonPretty } from '../core/canonical-json.ts';
import { GrokpipeError } from '../engine/errors.ts';
import { matchSelector, parseSelector } from '../engine/pipeline/selectors.ts';
import { formatDuration } from '../engine/ui/progress.ts';
import { openWorkspace } from '../engine/verbs/workspace.ts';
import type { CliIo } from './io.ts';
import { parse, rootFrom } from './options.ts';
import { relative } from 'node:path';

export const SHOW_USAGE = 'grokpipe show <instance> [--json] [--profile P] [-C dir]';

export async function showCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('show', argv, { json: { type: 'boolean' } }, SHOW_USAGE);
  if (values.help) return (io.out.write(`${SHOW_USAGE}\n`), 0);
  if (positionals.length !== 1) throw new GrokpipeError({ title: '`grokpipe show` takes one instance', expected: SHOW_USAGE, found: positionals.length ? positionals.join(' ') : 'no instance' });
  const root = rootFrom(io.cwd, values.C);
  const ws = await openWorkspace(root, { profile: values.profile, set: values.set, targets: positionals });
  const target = positionals[0]!;
  const exact = ws.plan.byName.get(target);
  const sel = parseSelector(target);
  const own = exact ? [exact] : typeof sel === 'string' || !ws.plan.stages.get(sel.stage) ? [] : matchSelector(sel, ws.plan.stages.get(sel.stage)!.instances.map((n) => ws.plan.byName.get(n)!)).matches.map((c) => ws.plan.byName.get(c.name)!);
  if (own.length !== 1) {
    throw new GrokpipeError({ title: `\`${target}\` does not name exactly one instance`, expected: 'an instance name such as cell[p=59,rho=1]', found: `${own.length} instances: ${own.map((i) => i.name).slice(0, 5).join(', ')}` });
  }
  const inst = own[0]!;
  const name = inst.name;
  const assessments = assessAll(ws.prepared, ws.selected, { lock: ws.lock, store: ws.store, cache: ws.cache, why: true });
  ws.cache.save();
  const a = assessments.find((x) => x.instance === name)!;
  const manifest = readManifest(root, name);
  const lockEntry = ws.lock.profiles[ws.plan.profile]?.[name];
  if (values.json) {
    io.out.write(canonicalJsonPretty({ instance: name, state: a.state, key: a.key, lock: lockEntry ?? null, manifest }));
    return 0;
  }
  const p = ws.prepared.byName.get(name)!;
  const w = (s: string) => io.out.write(`${s}\n`);
  w(`instance   ${name}`);
  w(`stage      ${inst.stage} (${p.stage.kind === 'module' ? p.stage.module : `cmd: ${p.fixed.command!.join(' ')}`})`);
  w(`folder     ${relative(root, instanceDir(root, name))}/`);
  w(`state      ${a.state}${a.reasons.length ? ` (${a.reasons.join('; ')})` : ''}`);
  w(`key        ${a.key ?? '(not known until upstream runs)'}`);
  w(`lock       ${lockEntry ? `${lockEntry.key}${lockComparison(lockEntry.key, a.key)}` : '(none for this profile)'}`);
  if (manifest) {
    w(`built      ${manifest.how === 'ran' ? 'ran here' : `restored from the store (produced by ${manifest.producedBy})`}, run took ${formatDuration(manifest.durationMs)}; folder key ${manifest.key.slice(0, 12)}${manifest.key === a.key ? '' : ' (stale)'}`);
    w('outputs');
    for (const [f, sha] of Object.entries(manifest.outputs)) w(`  ${f}  ${sha}`);
  } else {
    w('built      never (no manifest.json)');
  }
  w('provenance (key components)');
  const c = a.components ?? { ...p.fixed, inputs: {} };
  w(`  format   ${c.format}`);
  w(`  compute  ${c.compute || '(none declared)'}`);
  if (c.command) w(`  command  ${JSON.stringify(c.command)}`);
  if (c.runtime) w(`  runtime  node ${c.runtime.node} (major version)`);
  if (c.compiler) w(`  compiler ${canonicalJsonPretty(c.compiler).trimEnd().split('\n').join('\n           ')}`);
  w('  code');
  for (const [f, sha] of Object.entries(c.code)) w(`    ${f}  ${sha.slice(0, 16)}`);
  if (c.files && Object.keys(c.files).length) {
    w('  files');
    for (const [f, sha] of Object.entries(c.files)) w(`    ${f}  ${sha.slice(0, 16)}`);
  }
  if (Object.keys(c.packages).length) {
    w('  packages');
    for (const [n, v] of Object.entries(c.packages)) w(`    ${n}@${v}`);
  }
  if (c.env && Object.keys(c.env).length) {
    // The key holds each declared variable's hash, never its value (pipeline/stage-env.ts).
    w('  env');
    for (const [n, sha] of Object.entries(c.env)) w(`    ${n}  ${sha === null ? '(unset)' : `sha256 ${sha.slice(0, 16)}`}`);
  }
  w(`  params   ${canonicalJsonPretty(c.params).trimEnd().split('\n').join('\n           ')}`);
  if (inst.deps.length) {
    w('  inputs');
    for (const d of inst.deps) {
      w(`    ${d.name}: ${d.selector}${d.single ? '' : ` (fan-in of ${d.instances.length})`}${d.files ? ` files ${d.files.join(', ')}` : ''}`);
      for (const u of d.instances) {
        const ua = assessments.find((x) => x.instance === u);
        w(`      ${u}  key ${ua?.key?.slice(0, 12) ?? '?'}  ${ua?.state ?? ''}`);
      }
    }
  }
  if (a.changes.length) {
    w(`changes since ${a.baseline}`);
    for (const ch of a.changes) w(`  ${ch.component.padEnd(8)} ${ch.what}  ${ch.old}  ->  ${ch.new}`);
  }
  return 0;
}

/** A waiting instance's key is not known yet, so whether the lock's entry still holds cannot be said. */
function lockComparison(locked: string, key: string | null): string {
  if (key === null) return ' (compared once its upstream has run)';
  return locked === key ? '' : ' (differs)';
}
