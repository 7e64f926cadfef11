/**
 * The plan: pipeline.yaml resolved for one profile into stage instances with their params and
 * dependencies, in a deterministic topological order. Every bad-input error is raised here (or in
 * prepare.ts), before anything is written.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileKind } from '../hashing/file-hash-cache.ts';
import YAML from 'yaml';
import type { Json } from '../../core/canonical-json.ts';
import { DURATION_EXPECTED, parseDuration } from '../duration.ts';
import { checkOsLimits } from './os-limits.ts';
import { describeValue, GrokpipeError } from '../errors.ts';
import { firstInexactNumber } from '../exact-numbers.ts';
import { interpolate, type Root } from './interpolate.ts';
import { expandMatrix, instanceName, type MatrixPoint } from './matrix.ts';
import { deepMerge, isPlainObject } from './profiles.ts';
import type { Project, RawDep, RawProfile, RawStage } from './project.ts';
import { checkDeclaredFiles, ENGINE_OWNED, escapesRepository, normalizeRelative, repoFilesNamedBy, resolveCode, resolveInstanceFiles, type RepoFile } from './repo-files.ts';
import { matchSelector, parseSelector } from './selectors.ts';
import { expandShards, type ShardRole } from './shards.ts';
import { showExpressions, type FieldPath } from '../yaml-source.ts';

export type { DepSpec, Instance, Plan, PlanOptions, ShardRole, StagePlan } from './instance.ts';
import type { DepSpec, Instance, Plan, PlanOptions, StagePlan } from './instance.ts';

export function profileNames(project: Project): string[] {
  return Object.keys(project.raw.profiles ?? {});
}

export function chooseProfile(project: Project, requested?: string): string {
  const names = profileNames(project);
  const { src, raw } = project;
  if (requested !== undefined) {
    if (names.includes(requested)) return requested;
    if (names.length === 0 && requested === 'default') return requested;
    throw new GrokpipeError({
      title: `unknown profile \`${requested}\``,
      file: src.file,
      expected: names.length ? `one of: ${names.join(', ')}` : 'no --profile (this pipeline defines no profiles)',
      found: `\`${requested}\``,
    });
  }
  if (raw.default_profile !== undefined) {
    if (!names.includes(raw.default_profile)) {
      throw src.errorAt(['default_profile'], { title: `default_profile \`${raw.default_profile}\` is not a profile`, expected: names.length ? `one of: ${names.join(', ')}` : 'a profile defined under profiles:', found: `\`${raw.default_profile}\`` });
    }
    return raw.default_profile;
  }
  return names.length === 1 ? names[0]! : 'default';
}

function applySets(project: Project, profile: string, vars: Record<string, Json>, sets: string[]): Record<string, Json> {
  let out = vars;
  for (const s of sets) {
    const m = /^vars\.([A-Za-z_][A-Za-z0-9_.]*)=(.*)$/s.exec(s);
    if (!m) throw new GrokpipeError({ title: `malformed --set \`${s}\``, expected: 'vars.<name>=<YAML value>, e.g. --set vars.seeds=3', found: `\`${s}\`` });
    const path = m[1]!.split('.');
    // A misspelt name would add a var nothing reads: the run would look overridden and be the default.
    if (!Object.prototype.hasOwnProperty.call(vars, path[0]!) || path.some((seg) => seg === '' || seg === '__proto__')) {
      const known = Object.keys(vars);
      const at: FieldPath[] = [['profiles', profile, 'vars'], ['vars'], []];
      throw project.src.errorAt(at.filter((p) => p.length === 0 || project.src.has(p)), {
        title: `--set \`${s}\` names \`vars.${m[1]}\`, which is not a var of this pipeline`,
        field: `--set vars.${m[1]}`,
        expected: known.length ? `a var defined under vars: (or the profile's vars:), one of: ${known.join(', ')}` : 'a var defined under vars:, but this pipeline defines none',
        found: `\`${path[0]}\``,
        hint: 'check the spelling; a new var is added in pipeline.yaml, where the stages that read it name it',
      });
    }
    let value: Json;
    try {
      const doc = YAML.parseDocument(m[2]!);
      if (doc.errors[0]) throw doc.errors[0];
      const inexact = firstInexactNumber(doc, m[2]!);
      if (inexact) throw new GrokpipeError({ title: `the number \`${inexact.literal}\` in --set \`${s}\` cannot be used exactly`, expected: 'a finite number that a 64-bit float holds as written (vars enter the key as JSON)', found: inexact.why, hint: inexact.hint });
      value = doc.toJS() as Json;
    } catch (e) {
      if (e instanceof GrokpipeError) throw e;
      throw new GrokpipeError({ title: `malformed value in --set \`${s}\``, expected: 'a YAML value', found: (e as Error).message.split('\n')[0] });
    }
    let over: Json = value;
    for (let i = path.length - 1; i >= 0; i--) over = { [path[i]!]: over };
    out = deepMerge(out, over) as Record<string, Json>;
  }
  return out;
}

/** What every stage of one plan is resolved against: the project, the profile chosen and its vars. */
interface PlanScope {
  project: Project;
  profile: string;
  prof: RawProfile;
  vars: Record<string, Json>;
  stageNames: string[];
  namedFiles: (arg: string) => readonly string[];
}

export function buildPlan(project: Project, options: PlanOptions = {}): Plan {
  const { src, raw, root } = project;
  const profile = chooseProfile(project, options.profile);
  const prof = raw.profiles?.[profile] ?? {};
  const vars = applySets(project, profile, (deepMerge(raw.vars ?? {}, prof.vars ?? {}) ?? {}) as Record<string, Json>, options.set ?? []);
  const stageNames = Object.keys(raw.stages);

  for (const s of Object.keys(prof.stages ?? {})) {
    if (!(s in raw.stages)) {
      throw src.errorAt(['profiles', profile, 'stages', s], { title: `profile \`${profile}\` overrides unknown stage \`${s}\``, expected: `one of: ${stageNames.join(', ')}`, found: `\`${s}\`` }, true);
    }
  }

  const scope: PlanScope = { project, profile, prof, vars, stageNames, namedFiles: repoFilesNamedBy(root) };
  const stages = new Map<string, StagePlan>();
  const instances: Instance[] = [];
  const byName = new Map<string, Instance>();
  /** Stages a profile left out with `matrix: []`: no instances, and a fan-in on them selects none. */
  const leftOut = new Set<string>();
  for (const stageName of stageNames) {
    const planned = planStage(scope, stageName);
    stages.set(stageName, planned.plan);
    if (planned.leftOut) leftOut.add(stageName);
    for (const inst of planned.instances) {
      instances.push(inst);
      byName.set(inst.name, inst);
    }
  }
  // Dependencies are resolved once every stage's instances exist.
  for (const inst of instances) resolveDeps(scope, inst, { stages, byName, leftOut });
  for (const inst of instances) if (inst.command) checkCommandDeps(project, inst, raw.stages[inst.stage]!.cmd!);

  const ordered = topologicalOrder(project, withShards(project, instances, byName), byName);
  checkOsLimits(src, ordered);
  return { root, profile, stages, instances: ordered, byName, project };
}

/** One stage under the profile: its plan and its instances (one per matrix point), params and command resolved. */
function planStage(scope: PlanScope, stageName: string): { plan: StagePlan; instances: Instance[]; leftOut: boolean } {
  const { project, profile, prof, vars, namedFiles } = scope;
  const { src } = project;
  const st: RawStage = project.raw.stages[stageName]!;
  const over = prof.stages?.[stageName] ?? {};
  const base: FieldPath = ['stages', stageName];
  const overBase: FieldPath = ['profiles', profile, 'stages', stageName];
  const module = st.uses ? checkRepoFile(project, st.uses, [...base, 'uses'], 'stage module') : null;
  const code = resolveCode(project, stageName, st.code ?? [], vars).map((f, i) => checkRepoFile(project, f, [...base, 'code', i], 'code file'));
  const declaredCode = new Set(code);
  const plan: StagePlan = { name: stageName, kind: st.uses ? 'module' : 'cmd', module, code, compute: st.compute ?? null, env: [...new Set(st.env ?? [])].sort(), outputs: (st.outputs ?? []).map(normalizeRelative), timeoutMs: stageTimeout(project, st, over, base, overBase), estimate: st.estimate ? checkRepoFile(project, st.estimate, [...base, 'estimate'], 'estimate module') : null, instances: [] };

  const matrixSource = over.matrix !== undefined ? overBase : base;
  const matrixRaw = over.matrix !== undefined ? over.matrix : st.matrix;
  const matrixAt = (sub: FieldPath) => [[...matrixSource, 'matrix', ...sub], [...matrixSource, 'matrix']];
  const matrixResolved = matrixRaw === undefined ? undefined : interpolate(matrixRaw, { values: { vars }, src, paths: matrixAt, place: 'a matrix' });
  const points = expandMatrix(matrixResolved, src, matrixAt);

  const paramsRaw = deepMerge(st.params ?? {}, over.params);
  const paramsAt = (sub: FieldPath) => [[...overBase, 'params', ...sub], [...base, 'params', ...sub], [...base, 'params'], base];
  const instances: Instance[] = [];
  for (const point of points ?? [null]) {
    const name = instanceName(stageName, point);
    const values: Partial<Record<Root, Json>> = { vars };
    if (point) values.matrix = point;
    const params = interpolate(paramsRaw, { values, src, paths: paramsAt, place: 'params' });
    if (!isPlainObject(params)) {
      throw src.errorAt(paramsAt([]), { title: `params of stage \`${stageName}\` is not an object`, expected: 'an object of named values', found: describeValue(params) });
    }
    const files = st.files ? resolveInstanceFiles(project, stageName, st.files, { ...values, params }, name) : [];
    let command: string[] | null = null;
    if (st.cmd) {
      const cmdValues = { ...values, params };
      const resolved = interpolate(st.cmd, { values: cmdValues, deferred: new Set<Root>(['deps', 'out']), src, paths: (sub) => [[...base, 'cmd', ...sub]], place: 'a cmd' });
      checkDeclaredFiles(project, stageName, name, st.cmd, resolved as Json[], { code: declaredCode, files }, namedFiles);
      command = (resolved as Json[]).flatMap((a) => (Array.isArray(a) ? a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : [typeof a === 'string' ? a : JSON.stringify(a)]));
    }
    instances.push({ name, stage: stageName, matrix: point, params, deps: [], command, files });
    plan.instances.push(name);
  }
  return { plan, instances, leftOut: points !== null && points.length === 0 };
}

/** The instance's `deps:`, each selector resolved to the upstream instances it names (in plan order). */
function resolveDeps(scope: PlanScope, inst: Instance, known: { stages: Map<string, StagePlan>; byName: Map<string, Instance>; leftOut: Set<string> }): void {
  const { project, profile, vars, stageNames } = scope;
  const { src } = project;
  const deps: Record<string, string | RawDep> = project.raw.stages[inst.stage]!.deps ?? {};
  for (const [depName, spec] of Object.entries(deps)) {
    const at = (sub: FieldPath) => [['stages', inst.stage, 'deps', depName, ...sub], ['stages', inst.stage, 'deps', depName]];
    const fromRaw = typeof spec === 'string' ? spec : spec.from;
    const values: Partial<Record<Root, Json>> = { vars, params: inst.params };
    if (inst.matrix) values.matrix = inst.matrix;
    const text = interpolate(fromRaw, { values, src, paths: typeof spec === 'string' ? at : (sub) => at(['from', ...sub]), place: 'a dependency' }) as string;
    const sel = parseSelector(String(text));
    if (typeof sel === 'string') {
      throw src.errorAt(at(typeof spec === 'string' ? [] : ['from']), { title: `malformed dependency selector in stage \`${inst.stage}\``, expected: sel, found: `\`${text}\`` });
    }
    const target = known.stages.get(sel.stage);
    if (!target) {
      throw src.errorAt(at(typeof spec === 'string' ? [] : ['from']), { title: `dependency on unknown stage \`${sel.stage}\``, expected: `one of: ${stageNames.join(', ')}`, found: `\`${text}\``, field: `stages.${inst.stage}.deps.${depName}` });
    }
    if (known.leftOut.has(sel.stage) && sel.filter !== null && sel.filter !== 'all') {
      throw src.errorAt(at(typeof spec === 'string' ? [] : ['from']), { title: `dependency on stage \`${sel.stage}\`, which profile \`${profile}\` leaves out (matrix: [])`, expected: 'a whole-stage fan-in (`' + sel.stage + '`), which then selects no instance', found: `\`${text}\``, hint: `leave \`${inst.stage}\` out of this profile too, or give \`${sel.stage}\` a matrix` });
    }
    if (known.leftOut.has(sel.stage)) {
      inst.deps.push({ name: depName, selector: String(text), files: null, single: false, instances: [] });
      continue;
    }
    const candidates = target.instances.map((n) => known.byName.get(n)!);
    const { matches, single, unknownAxes } = matchSelector(sel, candidates);
    if (unknownAxes.length) {
      const axes = [...new Set(candidates.flatMap((c) => Object.keys(c.matrix ?? {})))];
      throw src.errorAt(at(typeof spec === 'string' ? [] : ['from']), {
        title: `dependency of \`${inst.name}\` names an axis stage \`${sel.stage}\` does not have`,
        expected: axes.length ? `axes among: ${axes.join(', ')}` : `no axes (stage \`${sel.stage}\` has no matrix)`,
        found: `\`${unknownAxes.join('`, `')}\` in \`${text}\``,
      });
    }
    if (matches.length === 0 || (single && matches.length !== 1)) {
      throw src.errorAt(at(typeof spec === 'string' ? [] : ['from']), {
        title: `dependency on a missing instance: \`${text}\` matches no instance of stage \`${sel.stage}\``,
        field: `stages.${inst.stage}.deps.${depName}`,
        expected: `one of: ${truncateList(target.instances)}`,
        found: `\`${text}\` (for \`${inst.name}\`)`,
        hint: 'check the matrix values of both stages under this profile',
      });
    }
    const files = typeof spec === 'string' || !spec.files ? null : [...new Set(spec.files.map(normalizeRelative))].sort();
    inst.deps.push({ name: depName, selector: String(text), files, single, instances: matches.map((m) => m.name) });
  }
}

/**
 * Sharded stages: each instance becomes its shards plus a merge under its own name (shards.ts). The
 * shards are not in their stage's instance list, so selectors downstream see the merges only.
 */
function withShards(project: Project, instances: Instance[], byName: Map<string, Instance>): Instance[] {
  const { src, raw } = project;
  const expanded: Instance[] = [];
  for (const inst of instances) {
    const spec = raw.stages[inst.stage]!.shard;
    if (spec) {
      if (!raw.stages[inst.stage]!.uses) {
        throw src.errorAt(['stages', inst.stage, 'shard'], { title: `cmd stage \`${inst.stage}\` cannot be sharded`, expected: 'shard: on a stage with uses: (a module exporting run and merge)', found: 'a cmd stage' });
      }
      for (const s of expandShards(inst, spec, src)) {
        expanded.push(s);
        byName.set(s.name, s);
      }
    }
    expanded.push(inst);
  }
  return expanded;
}

/**
 * The `${deps.x}` and `${out}` a cmd holds are filled in only when it runs; what can be wrong with them
 * is known now: a name that is not a dependency, or a fan-in (several folders) inside a longer argument
 * (`--in=${deps.nums}`), which has no single value. Refused here, so that `repro -n` catches it and
 * nothing runs, instead of the instance failing with an empty log.
 */
function checkCommandDeps(project: Project, inst: Instance, rawCmd: string[]): void {
  rawCmd.forEach((arg, i) => {
    const exprs = [...arg.matchAll(/\$\u2983([^\u2984]*)\u2984/g)];
    for (const m of exprs) {
      const expr = m[1]!.trim();
      if (expr === 'out' || !expr.startsWith('deps.')) continue;
      const name = expr.slice('deps.'.length);
      const dep = inst.deps.find((d) => d.name === name);
      const whole = exprs.length === 1 && m[0] === arg;
      if (!dep) {
        const names = inst.deps.map((d) => d.name);
        throw project.src.errorAt(['stages', inst.stage, 'cmd', i], {
          title: `the command of \`${inst.name}\` uses \`\${${expr}}\`, which is not a dependency of stage \`${inst.stage}\``,
          expected: names.length ? `one of: ${names.map((n) => `\${deps.${n}}`).join(', ')}` : 'a name declared under deps: (this stage has none)',
          found: `\`${showExpressions(arg)}\``,
          hint: `declare it: deps: { ${name}: <stage or selector> }`,
        });
      }
      if (!dep.single && !whole) {
        throw project.src.errorAt(['stages', inst.stage, 'cmd', i], {
          title: `the command of \`${inst.name}\` uses the fan-in \`\${${expr}}\` inside a longer argument`,
          expected: `\${${expr}} as a whole argument: it stands for one folder per upstream instance (${dep.instances.length} here), each becoming an argument of its own`,
          found: `\`${showExpressions(arg)}\``,
          hint: `write "\${${expr}}" alone as an argument (e.g. [--in, "\${${expr}}"]), or select one instance in deps: to get a single folder`,
        });
      }
    }
  });
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** The stage's `timeout:` (a profile's override first) in milliseconds; a malformed one is located. */
function stageTimeout(project: Project, st: RawStage, over: { timeout?: string }, base: FieldPath, overBase: FieldPath): number | null {
  const at = over.timeout !== undefined ? [...overBase, 'timeout'] : [...base, 'timeout'];
  const text = over.timeout ?? st.timeout;
  if (text === undefined) return null;
  const r = parseDuration(text);
  // Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay fires at once, which would stop
  // every run of the stage a millisecond after it starts.
  if (r.ok && r.ms > MAX_TIMER_MS) {
    throw project.src.errorAt(at, { title: `timeout of stage \`${base[1]}\` is longer than grokpipe can time`, expected: `a duration of at most 24d20h31m23s647ms (2^31-1 ms, the longest timer Node keeps), or no timeout:`, found: `\`${text}\` (${r.ms} ms)`, hint: 'leave timeout: out for a stage that may run for weeks' });
  }
  if (r.ok) return r.ms;
  throw project.src.errorAt(at, { title: `malformed timeout of stage \`${base[1]}\``, expected: DURATION_EXPECTED, found: r.problem });
}

function truncateList(names: string[], n = 6): string {
  return names.length <= n ? names.join(', ') : `${names.slice(0, n).join(', ')}, … (${names.length} in all)`;
}

function checkRepoFile(project: Project, rel: string, path: FieldPath, what: string): string {
  const norm = normalizeRelative(rel);
  if (escapesRepository(norm)) {
    throw project.src.errorAt(path, { title: `${what} path escapes the repository`, expected: 'a path relative to the folder holding pipeline.yaml, inside it', found: `\`${rel}\`` });
  }
  const abs = join(project.root, norm);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw project.src.errorAt(path, {
      title: what === 'stage module' ? `unknown stage module \`${rel}\`` : `missing ${what} \`${rel}\``,
      expected: `a file at ${norm} (relative to ${project.root})`,
      found: existsSync(abs) ? fileKind(statSync(abs)) : 'no such file',
      hint: what === 'stage module' ? 'create the module (it default-exports { params, run }) or fix the path' : undefined,
    });
  }
  // The check above reads the name; Node loads the symlink's target, which must be inside too.
  const real = relative(realpathSync(project.root), realpathSync(abs));
  if (real === '..' || real.startsWith(`..${'/'}`) || real.startsWith('/')) {
    throw project.src.errorAt(path, { title: `${what} path escapes the repository through a symlink`, expected: 'a file inside the repository (symlinks followed)', found: `\`${rel}\` links to ${realpathSync(abs)}`, hint: 'copy the file into the repository instead of linking to it' });
  }
  if (ENGINE_OWNED.some((d) => `${real.split(sep).join('/')}/`.startsWith(d))) {
    throw project.src.errorAt(path, { title: `${what} \`${rel}\` is in the engine's folder \`${real.split(sep)[0]}\`${real === norm ? '' : ' through a symlink'}`, expected: 'a repository file that no stage writes', found: `\`${rel}\`${real === norm ? '' : ` links to ${real}`}`, hint: 'read another stage\'s outputs through `deps:`, so that its key follows them' });
  }
  return norm;
}

/**
 * Depth-first topological order: for each instance in declaration order, its dependencies first (in
 * the order declared). Deterministic; a cycle is reported with every instance on it.
 */
function topologicalOrder(project: Project, instances: Instance[], byName: Map<string, Instance>): Instance[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const out: Instance[] = [];
  const stack: Instance[] = [];
  const visit = (inst: Instance) => {
    const s = state.get(inst.name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const from = stack.findIndex((i) => i.name === inst.name);
      const cycle = [...stack.slice(from), inst];
      const closing = stack[stack.length - 1]!;
      const dep = closing.deps.find((d) => d.instances.includes(inst.name))!;
      throw project.src.errorAt(['stages', closing.stage, 'deps', dep.name], {
        title: 'dependency cycle',
        expected: 'a directed acyclic graph of stages',
        found: `a cycle: ${cycle.map((i) => i.name).join(' -> ')}`,
        notes: [`cycle: ${cycle.map((i) => i.name).join(' -> ')}`],
        hint: 'remove one of these dependencies',
      });
    }
    state.set(inst.name, 'visiting');
    stack.push(inst);
    for (const d of inst.deps) for (const n of d.instances) visit(byName.get(n)!);
    stack.pop();
    state.set(inst.name, 'done');
    out.push(inst);
  };
  for (const inst of instances) visit(inst);
  return out;
}

/** Instances needed for `targets` (selectors or names), with everything upstream, in plan order. */
export function selectTargets(plan: Plan, targets: string[]): Instance[] {
  if (targets.length === 0) return plan.instances;
  const wanted = new Set<string>();
  for (const t of targets) {
    let hits: string[] = [];
    if (plan.byName.has(t)) hits = [t];
    else {
      const sel = parseSelector(t);
      const stage = typeof sel === 'string' ? undefined : plan.stages.get(sel.stage);
      if (typeof sel !== 'string' && stage) hits = matchSelector(sel, stage.instances.map((n) => plan.byName.get(n)!)).matches.map((c) => c.name);
    }
    if (hits.length === 0) {
      throw new GrokpipeError({
        title: `unknown target \`${t}\``,
        expected: 'a stage name, an instance name, or a selector such as cell[p=59]',
        found: `\`${t}\``,
        hint: `stages in profile \`${plan.profile}\`: ${[...plan.stages.keys()].join(', ')}`,
      });
    }
    const add = (n: string) => {
      if (wanted.has(n)) return;
      wanted.add(n);
      for (const d of plan.byName.get(n)!.deps) for (const u of d.instances) add(u);
    };
    hits.forEach(add);
  }
  return plan.instances.filter((i) => wanted.has(i.name));
}
