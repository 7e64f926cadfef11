/**
 * Limits of the operating system, met before any work is lost: a 200 KB command argument (E2BIG) and an
 * instance name over 255 bytes (ENAMETOOLONG) are refused at plan time with file:line:col, exit 2,
 * before any stage runs; a too-long command line that only exists at run time fails its instance with a
 * clear message, not a TypeError; a stage that prints 300 MB is streamed to its log file while the engine
 * runs in a 64 MB heap.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCommandStage } from '../../src/engine/run/run-stage.ts';
import { StageOutput } from '../../src/engine/run/stage-output.ts';
import { BIN, cli, makeRepo, removeRepos, snapshot } from '../engine/helpers.ts';

afterAll(removeRepos);

/** A pipeline whose first stage leaves a marker in the repository when it runs. */
const PIPE = (bigStage: string) => `version: 1
vars:
  big: "${'y'.repeat(200 * 1024)}"
stages:
  first:
    cmd: [sh, -c, "touch ran-first; echo > \${out}/o.txt"]
${bigStage}`;

describe('operating-system limits at plan time', () => {
  test('a 200 KB command argument: refused at plan time, located, nothing ran or was written', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPE(`  big:\n    cmd: [echo, "\${vars.big}"]\n    deps: { f: first }\n`) });
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: argument 1 of the command of `big` is too long to run (204800 bytes)');
    expect(r.err).toMatch(/--> pipeline\.yaml:8:17/);
    expect(r.err).toContain('E2BIG');
    expect(r.err).not.toMatch(/TypeError|internal error|\n\s+at /);
    expect(repo.exists('ran-first')).toBe(false);
    expect(snapshot(repo, ['.grokpipe', 'grokpipe.lock', 'artifacts'])).toEqual({});
  });

  test('class: many arguments that are short one by one but beyond ARG_MAX together', async () => {
    const args = Array.from({ length: 24 }, () => '"${vars.chunk}"').join(', ');
    const repo = makeRepo({ 'pipeline.yaml': `version: 1\nvars:\n  chunk: "${'z'.repeat(100 * 1024)}"\nstages:\n  wide:\n    cmd: [echo, ${args}]\n` });
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: the command of `wide` is too long to run \(\d+ bytes of arguments/);
    expect(r.err).toMatch(/--> pipeline\.yaml:6:10/);
  });

  test('an instance name over 255 bytes: refused at plan time (not after the stage ran), located at its matrix', async () => {
    const long = 'v'.repeat(300);
    const repo = makeRepo({ 'pipeline.yaml': `version: 1\nstages:\n  first:\n    cmd: [sh, -c, "touch ran-first; echo > \${out}/o.txt"]\n  named:\n    cmd: [sh, -c, "touch ran-named; echo > \${out}/o.txt"]\n    matrix: { label: [short, ${long}] }\n    deps: { f: first }\n` });
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: instance name of stage `named` is too long for a file name (313 bytes)');
    expect(r.err).toMatch(/--> pipeline\.yaml:7:13/);
    expect(r.err).toContain('at most 251 bytes');
    expect(repo.exists('ran-first') || repo.exists('ran-named')).toBe(false);
    expect(snapshot(repo, ['.grokpipe', 'grokpipe.lock', 'artifacts'])).toEqual({});
  });

  test('class: many short matrix values that are too long together', async () => {
    const axes = Array.from({ length: 9 }, (_, i) => `a${i}: [${'abc'.repeat(10)}]`).join(', ');
    const repo = makeRepo({ 'pipeline.yaml': `version: 1\nstages:\n  s:\n    cmd: [sh, -c, "echo > \${out}/o.txt"]\n    matrix: { ${axes} }\n` });
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: instance name of stage `s` is too long for a file name \(\d+ bytes\)/);
    expect(r.err).toMatch(/--> pipeline\.yaml:5:13/);
  });
});

describe('limits only met at run time', () => {
  test('a command line too long to start fails with E2BIG explained (the run-time check behind the plan-time one)', async () => {
    const out = new StageOutput(null, null);
    const r = await runCommandStage(['echo', 'x'.repeat(200 * 1024)], tmpdir(), out.events(() => {}), new AbortController().signal);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/^the command line is too long for the operating system \(E2BIG\): 2 arguments, \d+ bytes in all, the longest \(argument 1\) 204800 bytes/);
      expect(r.reason).toContain('Pass large values through a file');
    }
  });

  test('a stage printing 300 MB (150 million short lines, then one 150 MB line) runs in a 64 MB heap; the log has every byte', () => {
    const repo = makeRepo({
      'pipeline.yaml': `version: 1\nstages:\n  loud:\n    cmd: [sh, -c, "yes | head -c 150000000; head -c 150000000 /dev/zero | tr '\\\\\\\\0' x; echo > \${out}/o.txt"]\n`,
    });
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=64', BIN, 'repro'], { cwd: repo.dir, encoding: 'utf8' });
    // Progress is on stderr; none of the stage's 300 MB reaches the terminal, only its log.
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^✓ ran\s+loud in \S+\nran 1, restored 0, up to date 0, failed 0; wall time \S+ \(profile default\)\n$/m);
    expect(r.stderr.length).toBeLessThan(1000);
    expect(statSync(join(repo.dir, '.grokpipe', 'logs', 'loud.log')).size).toBe(300_000_000);
    expect(performance.now() - t0).toBeLessThan(60000);
  }, 90000);
});

