/**
 * What the engine process runs of a stage module (docs/pipeline.md, "What runs where"): status, show and
 * repro --dry-run import the module (its top-level code runs) and call compute(params) once per
 * instance for the key; they never call run(). repro calls run() only in a stage process.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos } from '../engine/helpers.ts';

afterAll(removeRepos);

/** Appends one line per event to events.txt in the repository, with the pid of the process doing it. */
const STAGE = `import { appendFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// By absolute path (in-process tests do not run in the repository's folder), and not as an asset URL,
// which would put the file in the code closure.
const EVENTS = join(dirname(dirname(fileURLToPath(import.meta.url))), 'events.txt');
appendFileSync(EVENTS, \`import \${process.pid}\\n\`);
export default {
  params: { type: 'object', properties: { n: { type: 'integer' } } },
  compute(params: { n: number }) {
    appendFileSync(EVENTS, \`compute \${params.n} \${process.pid}\\n\`);
    return 'cpu';
  },
  async run(ctx: any) {
    appendFileSync(EVENTS, \`run \${ctx.params.n} \${process.pid}\\n\`);
    await writeFile(join(ctx.outDir, 'o.txt'), String(ctx.params.n));
  },
};
`;
const PIPE = `version: 1
stages:
  s:
    uses: stages/s.ts
    matrix: { n: [1, 2] }
    params: { n: \${matrix.n} }
`;

function events(text: string): Array<[string, string, number]> {
  return text.trim().split('\n').filter(Boolean).map((l) => {
    const parts = l.split(' ');
    return [parts[0]!, parts.length === 3 ? parts[1]! : '', Number(parts.at(-1))];
  });
}

describe('stage modules in the engine process', () => {
  test.each([['status'], ['show', 's[n=1]'], ['repro', '--dry-run']])('`grokpipe %s` imports the module and calls compute() per instance, never run()', async (...argv) => {
    const repo = makeRepo({ 'pipeline.yaml': PIPE, 'stages/s.ts': STAGE });
    const r = await cli(repo, ...argv);
    expect(r.code).toBe(0);
    const ev = events(repo.read('events.txt'));
    expect(ev.filter((e) => e[0] === 'run')).toEqual([]);
    expect(ev.filter((e) => e[0] === 'import').length).toBe(1);
    expect(ev.filter((e) => e[0] === 'compute').map((e) => e[1]).sort()).toEqual(argv[0] === 'show' ? ['1'] : ['1', '2']);
    // All of it in this (the engine's) process.
    expect(new Set(ev.map((e) => e[2]))).toEqual(new Set([process.pid]));
  });

  test('`grokpipe repro` calls run() only in stage processes, once per instance', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPE, 'stages/s.ts': STAGE });
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(0);
    const runs = events(repo.read('events.txt')).filter((e) => e[0] === 'run');
    expect(runs.map((e) => e[1]).sort()).toEqual(['1', '2']);
    for (const e of runs) expect(e[2]).not.toBe(process.pid);
  });
});
