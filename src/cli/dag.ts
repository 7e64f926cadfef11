/** `grokpipe dag [--mermaid | --dot] [--instances]` */
import { instanceGraph, renderDot, renderMermaid, renderText, stageGraph, type Graph } from '../engine/pipeline/dag-render.ts';
import type { Plan } from '../engine/pipeline/instance.ts';
import { GrokpipeError } from '../engine/errors.ts';
import { buildPlan } from '../engine/pipeline/plan.ts';
import { loadProject } from '../engine/pipeline/project.ts';
import type { CliIo } from './io.ts';
import { parse, rootFrom } from './options.ts';

export const DAG_USAGE = 'grokpipe dag [--mermaid | --dot] [--instances] [--profile P] [-C dir]';

export async function dagCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('dag', argv, { mermaid: { type: 'boolean' }, dot: { type: 'boolean' }, instances: { type: 'boolean', short: 'i' } }, DAG_USAGE);
  if (values.help) return (io.out.write(`${DAG_USAGE}\n`), 0);
  if (positionals.length) throw new GrokpipeError({ title: 'unexpected arguments for `grokpipe dag`', expected: DAG_USAGE, found: positionals.join(' ') });
  if (values.mermaid && values.dot) throw new GrokpipeError({ title: 'choose one output format', expected: '--mermaid or --dot, not both', found: 'both' });
  const plan = buildPlan(loadProject(rootFrom(io.cwd, values.C)), { profile: values.profile, set: values.set });
  const g = values.instances ? instanceGraph(plan) : withShardsInside(stageGraph(plan), plan);
  io.out.write(values.mermaid ? renderMermaid(g) : values.dot ? renderDot(g) : `profile ${plan.profile}: ${plan.stages.size} stages, ${plan.instances.length} instances\n${renderText(g)}`);
  return 0;
}

/**
 * A sharded stage's shards, barrier and merge are instances of the stage itself, so at the level of
 * stages they drew an edge from the stage to itself, which reads as a cycle. The edge is dropped and
 * the node says the stage is sharded (--instances shows the shards).
 */
function withShardsInside(g: Graph, plan: Plan): Graph {
  const axes = new Map<string, string>();
  for (const inst of plan.instances) if (inst.shard) axes.set(inst.stage, inst.shard.axis);
  return {
    nodes: g.nodes.map((n) => (axes.has(n.id) ? { ...n, label: n.label.replace(/\)$/, `; sharded by ${axes.get(n.id)}, merged within the stage)`) } : n)),
    edges: g.edges.filter(([a, b]) => a !== b || !axes.has(a)),
  };
}
