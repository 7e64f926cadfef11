/**
 * The last line of defence: an error that is neither the user's input (GrokpipeError) nor a fault of
 * the machine (fs-faults.ts) is a bug in grokpipe. The user gets what grokpipe was doing (the verb and,
 * when known, the instance), where in grokpipe's source it happened, that it is a bug, and where the
 * full trace was written; never a raw stack trace (GROKPIPE_DEBUG=1 prints it to stderr as well).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { doingOf } from '../engine/crash-context.ts';
import { findRoot } from '../engine/find-root.ts';
import { logsDir } from '../engine/dot-grokpipe.ts';

export const EXIT_INTERNAL = 70;

const SOURCE_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface CrashContext {
  /** The command line after `grokpipe`. */
  argv: string[];
  cwd: string;
  err: { write(text: string): void };
  /** Overrides process.env.GROKPIPE_DEBUG (tests). */
  debug?: boolean;
}

/** The first stack frame inside grokpipe's own source, as path:line:col relative to it. */
function whereInSource(stack: string): string | null {
  for (const m of stack.matchAll(/(?:\(|at )(?:file:\/\/)?(\/[^()\s]+?):(\d+):(\d+)\)?$/gm)) {
    const file = m[1]!;
    if (file.startsWith(SOURCE_ROOT) && !file.includes('/node_modules/')) return `${relative(SOURCE_ROOT, file)}:${m[2]}:${m[3]}`;
  }
  return null;
}

/** -C <dir> from the command line, without parsing (the parser itself may be what failed). */
function startDir(argv: string[], cwd: string): string {
  const i = argv.findIndex((a) => a === '-C');
  if (i >= 0 && argv[i + 1]) return resolve(cwd, argv[i + 1]!);
  const joined = argv.find((a) => a.startsWith('-C') && a.length > 2);
  return joined ? resolve(cwd, joined.slice(2)) : cwd;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** Writes the trace to .grokpipe/logs/crash-<time>.log (or the system's temp folder); returns its path. */
function writeTrace(text: string, argv: string[], cwd: string): string | null {
  const name = `crash-${stamp()}-${process.pid}.log`;
  const candidates: string[] = [];
  try {
    candidates.push(logsDir(findRoot(startDir(argv, cwd))));
  } catch {
    // Not inside a repository: the temp folder only.
  }
  candidates.push(tmpdir());
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, dir === tmpdir() ? `grokpipe-${name}` : name);
      writeFileSync(path, text);
      return path;
    } catch {
      // Read-only or full: try the next place.
    }
  }
  return null;
}

/** Reports `e` as a bug and returns the exit code (70, EX_SOFTWARE). */
export function reportCrash(e: unknown, ctx: CrashContext): number {
  const err = e instanceof Error ? e : new Error(`a non-Error value was thrown: ${String(e)}`);
  const stack = err.stack ?? `${err.name}: ${err.message}`;
  const verb = ctx.argv[0] ?? '(no verb)';
  const doing = doingOf(e);
  const where = whereInSource(stack);
  const trace = [
    `grokpipe ${ctx.argv.join(' ')}`,
    `cwd: ${ctx.cwd}`,
    `node ${process.version} on ${process.platform}-${process.arch}`,
    doing ? `while: ${doing}` : null,
    '',
    stack,
    err.cause ? `\ncaused by: ${(err.cause as Error)?.stack ?? String(err.cause)}` : null,
  ]
    .filter((l) => l !== null)
    .join('\n');
  const path = writeTrace(`${trace}\n`, ctx.argv, ctx.cwd);
  const debug = ctx.debug ?? process.env.GROKPIPE_DEBUG === '1';
  // Relative to the working folder when the trace is inside it (the repository's logs), else absolute.
  const rel = path ? relative(ctx.cwd, path) : null;
  const shownPath = path && rel && !rel.startsWith('..') && basename(path).startsWith('crash-') ? rel : path;
  const lines = [
    `error: internal error in grokpipe while running \`grokpipe ${verb}\`${doing ? ` (${doing})` : ''}: ${err.name}: ${err.message.split('\n')[0]}`,
    where ? `  --> ${where} (in grokpipe's source)` : null,
    '   = note: this is a bug in grokpipe, not a problem with your pipeline; store, lock and artifacts are written atomically, so they are as they were or fully updated',
    shownPath ? `   = note: the full trace is in ${shownPath}` : `   = note: the trace could not be written to a file${debug ? '' : '; run again with GROKPIPE_DEBUG=1 to print it here'}`,
    `   = hint: please report it${shownPath ? ' with that file' : ''}`,
  ].filter((l): l is string => l !== null);
  ctx.err.write(`${lines.join('\n')}\n`);
  if (debug) ctx.err.write(`\n${trace}\n`);
  return EXIT_INTERNAL;
}
