/**
 * What grokpipe was doing when an unexpected error (a bug) happened, for the crash report of the CLI
 * wrapper (run-cli.ts). The innermost activity wins: the first note on an error is kept.
 */
const DOING = Symbol.for('grokpipe.doing');

/** Records `what` on `e` (if it is an object without a note yet) and returns `e` for `throw`. */
export function noteDoing<E>(e: E, what: string): E {
  if (e !== null && typeof e === 'object' && !(DOING in e)) {
    try {
      Object.defineProperty(e, DOING, { value: what, enumerable: false });
    } catch {
      // A frozen error object: the report says less.
    }
  }
  return e;
}

export function doingOf(e: unknown): string | undefined {
  return e !== null && typeof e === 'object' && DOING in e ? String((e as Record<symbol, unknown>)[DOING]) : undefined;
}
