/**
 * Reading claims.yaml for the report, with the same rules as `grokpipe verify` (the shared core,
 * src/core/claims.ts): a malformed claim stops the report with a message that names the field instead of
 * printing a wrong row. verify adds the file's line and column; the report names the field path.
 */
import { parse } from 'yaml';
import { claimsProblem } from '../../../core/claims.ts';
import type { StudyClaim } from './input.ts';

export function parseClaims(text: string, where = 'claims.yaml'): StudyClaim[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (e) {
    throw new Error(`${where}: expected YAML, found a syntax error: ${(e as Error).message}`);
  }
  const problem = claimsProblem(document);
  if (problem) {
    const field = problem.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
    throw new Error(`${where}${field ? `: ${field}` : ''}: ${problem.title}: expected ${problem.expected}, found ${problem.found}`);
  }
  return (document as { claims: StudyClaim[] }).claims;
}
