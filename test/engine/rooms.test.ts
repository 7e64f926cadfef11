/**
 * The engine's rooms (docs/pipeline.md, "The engine's layout"): each folder of src/engine holds one
 * concept, and a folder imports only from a lower floor or from itself. The top-level files are the ground
 * floor (the stage contract, errors, hashing of bytes, atomic files). This reads the real import graph of
 * src/engine, so a new import that runs up a floor or closes a cycle fails here, naming it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ENGINE = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/engine');

/** The floor of each room; a room may import from rooms of a lower floor only (and from itself). */
const FLOORS: Record<string, number> = { '.': 0, hashing: 1, ui: 1, pipeline: 2, keys: 3, store: 4, run: 5, verbs: 6 };

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (/\.(ts|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Relative imports of a file (static, `export ... from`, dynamic with a literal), type-only ones included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]);
  return specs.map((s) => resolve(dirname(file), s)).filter((p) => p.startsWith(ENGINE));
}

const roomOf = (file: string) => relative(ENGINE, dirname(file)).split('/')[0] || '.';
const files = sources(ENGINE);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('the engine layout', () => {
  test('every folder of src/engine has a floor, and the top level holds at most 15 files', () => {
    const rooms = new Set(files.map(roomOf));
    expect([...rooms].filter((r) => !(r in FLOORS))).toEqual([]);
    expect(files.filter((f) => roomOf(f) === '.').length).toBeLessThanOrEqual(15);
  });

  test('no import runs up a floor or sideways into another room of the same floor', () => {
    const bad: string[] = [];
    for (const [file, deps] of graph) {
      const from = roomOf(file);
      for (const dep of deps) {
        const to = roomOf(dep);
        if (to !== from && FLOORS[to]! >= FLOORS[from]!) bad.push(`${relative(ENGINE, file)} -> ${relative(ENGINE, dep)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test('the import graph of src/engine has no cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'open') cycles.push(stack.slice(stack.indexOf(d)).concat(d).map((p) => relative(ENGINE, p)).join(' -> '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  test('the executor contract imports no executor: only the stage contract and the worker protocol', () => {
    // An implementation (local, Slurm) depends on run/executor.ts, never the other way: a new executor
    // is written against the contract and named in run/executors.ts, the one file that knows them all.
    const contract = join(ENGINE, 'run', 'executor.ts');
    expect(graph.get(contract)!.map((d) => relative(ENGINE, d)).sort()).toEqual(['run/worker-protocol.ts', 'stage.ts']);
    const naming = files.filter((f) => f !== join(ENGINE, 'run', 'executors.ts') && graph.get(f)!.some((d) => /executor\.ts$/.test(d) && d !== contract));
    expect(naming.map((f) => relative(ENGINE, f))).toEqual([]);
  });
});
