/**
 * .github/workflows/verify.yml (issue 21, item 3): the tests, then the quick profile rebuilt with the
 * committed lock as evidence (repro --frozen), then verify and verify --lock against that same lock. Every
 * grokpipe command it runs uses only options its verb describes (`grokpipe <verb> --help`), so a renamed
 * or misspelt flag fails here rather than in CI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect, test } from 'vitest';
import { VERB_HELP } from '../../src/cli/verb-help.ts';
import { PROJECT } from '../engine/helpers.ts';

interface Step { run?: string; uses?: string }
interface Workflow { jobs: Record<string, { needs?: string | string[]; steps: Step[] }> }

const workflow = parse(readFileSync(join(PROJECT, '.github', 'workflows', 'verify.yml'), 'utf8')) as Workflow;
const commands = (job: string) => workflow.jobs[job]!.steps.flatMap((s) => (s.run ?? '').split('\n')).map((l) => l.trim()).filter(Boolean);

test('the tests run first; the rebuild is frozen to the committed lock, then verify and verify --lock', () => {
  expect(commands('test')).toContain('npm test');
  expect([workflow.jobs.reproduce!.needs].flat()).toContain('test');
  const run = commands('reproduce');
  const at = (re: RegExp) => run.findIndex((c) => re.test(c));
  const rebuild = at(/^npx grokpipe repro --profile quick --frozen$/);
  const untouched = at(/^git diff --exit-code -- grokpipe\.lock$/);
  const claims = at(/^npx grokpipe verify --profile quick$/);
  const lock = at(/^npx grokpipe verify --lock --profile quick( --sample \d+)?$/);
  expect([rebuild, untouched, claims, lock].every((i) => i >= 0), run.join('\n')).toBe(true);
  expect(rebuild).toBeLessThan(untouched);
  expect(untouched).toBeLessThan(claims);
  expect(claims).toBeLessThan(lock);
  // Nothing between the rebuild and verify --lock may write the lock.
  for (const c of run.slice(rebuild + 1, lock)) expect(c).not.toMatch(/grokpipe repro(?!.*--frozen)/);
});

test("each grokpipe command of the workflow uses only options its verb's --help describes", () => {
  const lines = Object.keys(workflow.jobs).flatMap(commands).filter((c) => c.startsWith('npx grokpipe '));
  expect(lines.length).toBeGreaterThanOrEqual(5);
  for (const line of lines) {
    const [verb, ...args] = line.replace(/\s*(>|\|\|).*$/, '').split(/\s+/).slice(2);
    const help = VERB_HELP[verb!];
    expect(help, line).toBeDefined();
    for (const a of args.filter((x) => x.startsWith('-'))) expect(help, `${line}: ${a}`).toMatch(new RegExp(`^ {2}(-\\w, )?${a.replace(/[-]/g, '\\-')}\\b`, 'm'));
  }
});
