/**
 * Whether a file grokpipe reads as text (pipeline.yaml, claims.yaml, grokpipe.lock) is UTF-8. Read as
 * UTF-8, a file saved as UTF-16 (an editor's "Unicode") or holding bytes that are not UTF-8 turns into
 * U+FFFD replacement characters and NULs, and the parser then reports "wrong type" or "Unexpected
 * token '�'" at line 1: true, but it names neither the cause nor the fix.
 */

/** Where and what the first sign of a file that is not UTF-8 text is, or null. */
export function encodingProblem(text: string): { offset: number; found: string } | null {
  if (text.startsWith('\uFFFD\uFFFD') || /^(\uFFFD|[^\0])\0/.test(text)) return { offset: 0, found: 'UTF-16 text (a byte order mark FF FE or FE FF, or a NUL after every character)' };
  const bad = text.search(/[\uFFFD\0]/);
  if (bad >= 0) return { offset: bad, found: text[bad] === '\0' ? 'a NUL byte' : 'bytes that are not UTF-8 (shown as �)' };
  return null;
}
