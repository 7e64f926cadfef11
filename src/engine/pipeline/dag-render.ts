/** The DAG as text, Mermaid or Graphviz DOT, at the level of stages (default) or instances. */
import type { Plan } from './instance.ts';

export interface Graph {
  nodes: Array<{ id: string; label: string }>;
  edges: Array<[string, string]>;
}

export function stageGraph(plan: Plan): Graph {
  const nodes = [...plan.stages.values()].map((s) => ({ id: s.name, label: `${s.name} (${s.instances.length} instance${s.instances.length === 1 ? '' : 's'}, ${s.kind === 'module' ? s.module : 'cmd'})` }));
  const edges: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const inst of plan.instances) {
    for (const d of inst.deps) {
      for (const u of d.instances) {
        const from = plan.byName.get(u)!.stage;
        const id = `${from}\n${inst.stage}`;
        if (!seen.has(id)) (seen.add(id), edges.push([from, inst.stage]));
      }
    }
  }
  return { nodes, edges };
}

export function instanceGraph(plan: Plan): Graph {
  const nodes = plan.instances.map((i) => ({ id: i.name, label: i.name }));
  const edges: Array<[string, string]> = [];
  for (const inst of plan.instances) for (const d of inst.deps) for (const u of d.instances) edges.push([u, inst.name]);
  return { nodes, edges };
}

export function renderText(g: Graph): string {
  const ups = new Map<string, string[]>();
  for (const [a, b] of g.edges) ups.set(b, [...(ups.get(b) ?? []), a]);
  return g.nodes.map((n) => `${n.label}${ups.has(n.id) ? `\n    <- ${ups.get(n.id)!.join(', ')}` : ''}`).join('\n') + '\n';
}

export function renderMermaid(g: Graph): string {
  const ids = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const esc = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['graph TD'];
  for (const n of g.nodes) lines.push(`  ${ids.get(n.id)}["${esc(n.label)}"]`);
  for (const [a, b] of g.edges) lines.push(`  ${ids.get(a)} --> ${ids.get(b)}`);
  return lines.join('\n') + '\n';
}

export function renderDot(g: Graph): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph grokpipe {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
  for (const n of g.nodes) lines.push(`  ${q(n.id)} [label=${q(n.label)}];`);
  for (const [a, b] of g.edges) lines.push(`  ${q(a)} -> ${q(b)};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
