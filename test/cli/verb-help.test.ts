/**
 * `grokpipe --version` and `grokpipe <verb> --help`: every verb has a help text, and every option its
 * usage line names is described there (so the two cannot drift apart silently).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { VERB_HELP } from '../../src/cli/verb-help.ts';
import { DAG_USAGE } from '../../src/cli/dag.ts';
import { GC_USAGE } from '../../src/cli/gc.ts';
import { PLAN_USAGE } from '../../src/cli/plan.ts';
import { REPRO_USAGE } from '../../src/cli/repro.ts';
import { SHOW_USAGE } from '../../src/cli/show.ts';
import { STATUS_USAGE } from '../../src/cli/status.ts';
import { TIMES_USAGE } from '../../src/cli/times.ts';
import { VERIFY_USAGE } from '../../src/cli/verify.ts';
import { PULL_USAGE, PUSH_USAGE } from '../../src/cli/transfer.ts';

const USAGES: Record<string, string> = {
  repro: REPRO_USAGE, status: STATUS_USAGE, dag: DAG_USAGE, show: SHOW_USAGE,
  times: TIMES_USAGE, plan: PLAN_USAGE, gc: GC_USAGE, verify: VERIFY_USAGE, push: PUSH_USAGE, pull: PULL_USAGE,
};

async function run(...argv: string[]) {
  const io = bufferIo('/nonexistent-grokpipe-help-test');
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('grokpipe --version and per-verb --help', () => {
  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await run('--version')).toEqual({ code: 0, out: `grokpipe ${version}\n`, err: '' });
  });

  it.each(Object.keys(USAGES))('%s --help describes each option of its usage line', async (verb) => {
    for (const flag of ['--help', '-h']) {
      // No repository is needed: help is answered before the verb looks for pipeline.yaml.
      const r = await run(verb, flag);
      expect(r.code).toBe(0);
      expect(r.out).toBe(VERB_HELP[verb]);
    }
    const help = VERB_HELP[verb]!;
    const described = new Set([...help.matchAll(/^ {2}(?:-\w, )?(--?[\w-]+)/gm)].map((m) => m[1]));
    const named = new Set([...USAGES[verb]!.matchAll(/(?<=[[\s|])(--?[\w-]+)/g)].map((m) => m[1]!));
    for (const option of named) {
      const long = { '-j': '--jobs', '-C': '-C' }[option] ?? option;
      expect(described, `${verb}: ${option}`).toContain(long);
    }
    for (const common of ['-C', '--profile', '--set', '--help']) expect(described).toContain(common);
  });

  it('every verb of the CLI has a help text', async () => {
    const r = await run('no-such-verb');
    const verbs = /one of ([\w, ]+)/.exec(r.err)![1]!.split(', ');
    expect(verbs.sort()).toEqual(Object.keys(VERB_HELP).sort());
  });
});
