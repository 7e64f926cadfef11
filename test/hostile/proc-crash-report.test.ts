/**
 * No stack trace reaches a user. A bug (an error that is neither bad input nor a machine fault) is
 * reported with what grokpipe was doing (verb, instance), where in its source, that it is a bug, and
 * where the full trace was written; GROKPIPE_DEBUG=1 prints the trace as well. And a reader that closes
 * the output early (`grokpipe ... | head`) is not an error at all.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { reportCrash } from '../../src/cli/crash-report.ts';
import { noteDoing } from '../../src/engine/crash-context.ts';
import { BIN, makeRepo, removeRepos } from '../engine/helpers.ts';

afterAll(removeRepos);

/** A real bug: a property read on a value that is unexpectedly null. */
function buggy(value: { x: number } | null): number {
  return (value as { x: number }).x;
}

function caught(): Error {
  try {
    buggy(null);
  } catch (e) {
    return noteDoing(e as Error, 'running cell[p=59]');
  }
  throw new Error('unreachable');
}

describe('crash report', () => {
  test('says what grokpipe was doing, where, that it is a bug, and where the trace is; no stack in the message', () => {
    const repo = makeRepo({ 'pipeline.yaml': 'version: 1\nstages: { s: { cmd: [true] } }\n' });
    let err = '';
    const code = reportCrash(caught(), { argv: ['repro', '-j', '2'], cwd: repo.dir, err: { write: (t) => void (err += t) }, debug: false });
    expect(code).toBe(70);
    expect(err).toMatch(/^error: internal error in grokpipe while running `grokpipe repro` \(running cell\[p=59\]\): TypeError: Cannot read properties of null/);
    expect(err).toMatch(/--> test\/hostile\/proc-crash-report\.test\.ts:\d+:\d+ \(in grokpipe's source\)/);
    expect(err).toContain('this is a bug in grokpipe, not a problem with your pipeline');
    expect(err).not.toMatch(/\n\s+at /);
    const m = /the full trace is in (\.grokpipe\/logs\/crash-[^\s]+\.log)/.exec(err);
    expect(m).not.toBeNull();
    const trace = readFileSync(join(repo.dir, m![1]!), 'utf8');
    expect(trace).toContain('grokpipe repro -j 2');
    expect(trace).toContain('while: running cell[p=59]');
    expect(trace).toMatch(/at buggy \(/);
  });

  test('class: outside any repository the trace goes to the temp folder; GROKPIPE_DEBUG=1 prints it too', () => {
    let err = '';
    reportCrash(caught(), { argv: ['dag'], cwd: '/', err: { write: (t) => void (err += t) }, debug: true });
    const m = /the full trace is in (\/\S+grokpipe-crash-\S+\.log)/.exec(err);
    expect(m).not.toBeNull();
    expect(existsSync(m![1]!)).toBe(true);
    expect(err).toMatch(/\n\s+at buggy \(/);
  });

  test('class: a closed output pipe (`grokpipe dag | head -1`) ends quietly, with no crash report', () => {
    const repo = makeRepo({ 'pipeline.yaml': `version: 1\nstages:\n${Array.from({ length: 400 }, (_, i) => `  s${i}: { cmd: ["true"] }\n`).join('')}` });
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" dag --instances | head -1`], { cwd: repo.dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').length).toBe(2);
  });
});
