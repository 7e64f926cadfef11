/**
 * One error type for everything the user can fix: a bad pipeline.yaml, an unknown stage module, a bad
 * claims.yaml, a bad command line. It carries where (file, line, column, field) and what (expected,
 * found, hint) so that the message reads like a compiler's, and it maps to exit code 2.
 */

export const EXIT_OK = 0;
export const EXIT_STAGE_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

export interface ErrorDetails {
  /** One line saying what went wrong, lower case, no trailing period. */
  title: string;
  /** Repository-relative file the problem is in, when there is one. */
  file?: string;
  line?: number;
  column?: number;
  /** How many characters to underline at line:column. */
  span?: number;
  /** The source line, shown under the location with a caret. */
  sourceLine?: string;
  /** Dotted path of the offending field, e.g. stages.cell.params.budget. */
  field?: string;
  expected?: string;
  found?: string;
  hint?: string;
  /** Extra lines printed after the fields (e.g. a dependency cycle). */
  notes?: string[];
}

/** Characters of a source line shown around the caret. */
const SOURCE_WINDOW = 160;

export class GrokpipeError extends Error {
  readonly details: ErrorDetails;
  readonly exitCode: number;

  constructor(details: ErrorDetails, exitCode = EXIT_BAD_INPUT) {
    const shown = asWritten(details);
    super(shown.title);
    this.name = 'GrokpipeError';
    this.details = shown;
    this.exitCode = exitCode;
  }

  /** Rust-book style: title, location arrow, the source line with a caret, then labelled fields. */
  format(): string {
    const d = this.details;
    const out: string[] = [`error: ${d.title}`];
    if (d.file) {
      const where = d.line ? `${d.file}:${d.line}:${d.column ?? 1}` : d.file;
      out.push(`  --> ${where}`);
    }
    if (d.sourceLine !== undefined && d.line) {
      const gutter = String(d.line).length;
      const pad = ' '.repeat(gutter);
      let caretAt = Math.max(0, (d.column ?? 1) - 1);
      let line = d.sourceLine;
      // A very long line (a minified value, a generated list) is shown as a window around the caret.
      if (line.length > SOURCE_WINDOW) {
        const start = Math.max(0, Math.min(caretAt - SOURCE_WINDOW / 2, line.length - SOURCE_WINDOW));
        line = `${start > 0 ? '…' : ''}${line.slice(start, start + SOURCE_WINDOW)}${start + SOURCE_WINDOW < line.length ? '…' : ''}`;
        caretAt = caretAt - start + (start > 0 ? 1 : 0);
      }
      const span = Math.max(1, Math.min(d.span ?? 1, Math.max(1, line.length - caretAt)));
      out.push(`${pad} |`);
      out.push(`${d.line} | ${line}`);
      out.push(`${pad} | ${' '.repeat(caretAt)}${'^'.repeat(span)}`);
    }
    if (d.field) out.push(`   = field: ${d.field}`);
    if (d.expected) out.push(`   = expected: ${d.expected}`);
    if (d.found) out.push(`   = found: ${d.found}`);
    for (const n of d.notes ?? []) out.push(`   = note: ${n}`);
    if (d.hint) out.push(`   = hint: ${d.hint}`);
    return out.join('\n');
  }
}

/**
 * yaml-source.ts parses `${expr}` as `$\u2983expr\u2984` (so that flow collections accept it). Any text
 * that reaches a message from the parsed document would show that internal form; every message is
 * turned back into what the user wrote here, once, rather than at each place that quotes a value.
 */
function asWritten(details: ErrorDetails): ErrorDetails {
  const fix = (s: string) => (s.includes('\u2983') || s.includes('\u2984') ? s.split('$\u2983').join('${').split('\u2984').join('}') : s);
  const out: ErrorDetails = { ...details };
  for (const k of ['title', 'field', 'expected', 'found', 'hint'] as const) if (out[k] !== undefined) out[k] = fix(out[k]!);
  if (out.notes) out.notes = out.notes.map(fix);
  return out;
}

export function isGrokpipeError(e: unknown): e is GrokpipeError {
  return e instanceof GrokpipeError;
}

/** Short human description of a JSON value for `found:` lines. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list ${truncate(JSON.stringify(v))}`;
  if (typeof v === 'object') return `an object ${truncate(JSON.stringify(v))}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN, not a number (YAML .nan)';
  if (typeof v === 'number' && !Number.isFinite(v)) return `${v > 0 ? '' : 'minus '}infinity (YAML ${v > 0 ? '' : '-'}.inf), not a finite number`;
  if (typeof v === 'bigint') return `the integer ${v}`;
  return `the ${typeof v} ${String(v)}`;
}

function truncate(s: string, n = 80): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
