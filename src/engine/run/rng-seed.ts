/**
 * The seed of ctx.rng: sha256("grokpipe-rng/1\n" + canonical JSON of the resolved params). It depends
 * only on what the key already holds (so two instances with equal keys get equal streams and the store
 * may hand one's outputs to the other) and not on code, so editing code never reshuffles.
 */
import { canonicalJson } from '../../core/canonical-json.ts';
import { sha256 } from '../sha256.ts';

export function rngSeedFor(params: unknown): string {
  return sha256(`grokpipe-rng/1\n${canonicalJson(params)}`);
}
