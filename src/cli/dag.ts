/** `grokpipe dag [--mermaid | --dot] [--instances]` */
import { instanceGraph, renderDot, renderMermaid, renderText, stageGraph } from '../engine/pipeline/dag-render.ts';
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
  const g = values.instances ? instanceGraph(plan) : stageGraph(plan);
  io.out.write(values.mermaid ? renderMermaid(g) : values.dot ? renderDot(g) : `profile ${plan.profile}: ${plan.stages.size} stages, ${plan.instances.length} instances\n${renderText(g)}`);
  return 0;
}
