/**
 * Dependency selectors: `data` (the one instance of a stage without a matrix, or every instance of a
 * matrix stage), `data[*]` (every instance), `data[p=59]` (the instances whose axes match). A selector
 * naming every axis of the target is a single dependency; anything else is a fan-in list.
 */
import { matrixValueText } from './matrix.ts';

export interface Selector {
  stage: string;
  /** null: bare name; 'all': [*]; otherwise axis -> canonical value text. */
  filter: null | 'all' | Record<string, string>;
  text: string;
}

const FORM = /^([A-Za-z_][A-Za-z0-9_-]*)(?:\[([^\]]*)\])?$/;

/** Parses a selector; returns a string describing the problem when it is malformed. */
export function parseSelector(text: string): Selector | string {
  const m = FORM.exec(text.trim());
  if (!m) return 'a stage name optionally followed by [axis=value,...] or [*]';
  const stage = m[1]!;
  if (m[2] === undefined) return { stage, filter: null, text };
  const inner = m[2].trim();
  if (inner === '*') return { stage, filter: 'all', text };
  const filter: Record<string, string> = {};
  for (const part of inner.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `axis=value pairs separated by commas inside [...], found \`${part}\``;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k in filter) return `each axis at most once, found \`${k}\` twice`;
    // Numbers are compared in canonical form, so [rho=1.10] selects rho=1.1.
    filter[k] = v !== '' && Number.isFinite(Number(v)) && /^[-+0-9.eE]+$/.test(v) ? matrixValueText(Number(v)) : v;
  }
  return { stage, filter, text };
}

export interface Candidate {
  name: string;
  matrix: Record<string, string | number | boolean> | null;
}

/** Instances matching, in instance order, and whether the selector denotes a single instance. */
export function matchSelector(sel: Selector, candidates: readonly Candidate[]): { matches: Candidate[]; single: boolean; unknownAxes: string[] } {
  const axes = new Set<string>();
  for (const c of candidates) for (const k of Object.keys(c.matrix ?? {})) axes.add(k);
  if (sel.filter === null) {
    const single = axes.size === 0;
    return { matches: [...candidates], single, unknownAxes: [] };
  }
  if (sel.filter === 'all') return { matches: [...candidates], single: false, unknownAxes: [] };
  const filter = sel.filter;
  const unknownAxes = Object.keys(filter).filter((k) => !axes.has(k));
  const matches = candidates.filter((c) => Object.entries(filter).every(([k, v]) => c.matrix && k in c.matrix && matrixValueText(c.matrix[k]!) === v));
  const single = axes.size > 0 && [...axes].every((a) => a in filter);
  return { matches, single, unknownAxes };
}
