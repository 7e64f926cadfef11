/**
 * A stage may write only inside its output folder. The engine cannot sandbox it cheaply, but it can
 * notice the writes that matter most, for the price of a few stat calls per run: files of its
 * dependencies (artifacts/<upstream>/...), code files of the pipeline, pipeline.yaml and package.json
 * changed while it ran, and new entries at the top of the repository. A changed input fails the
 * instance (what it computed may rest on bytes that are not in its key); the rest is a warning.
 *
 * With -j N another stage running at the same time may be the writer; messages say so.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Top-level names the engine itself creates or rewrites while stages run. */
const ENGINE_OWNED = /^(\.grokpipe|artifacts|grokpipe\.lock(\..*\.tmp)?)$/;

function signature(abs: string): string {
  try {
    const st = statSync(abs, { bigint: true });
    return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
  } catch {
    return 'absent';
  }
}

function topLevel(root: string): Set<string> {
  try {
    return new Set(readdirSync(root));
  } catch {
    return new Set();
  }
}

export interface OutsideWrites {
  /** Inputs (absolute paths) that changed or vanished, as repository-relative paths. */
  inputs: string[];
  /** Code and pipeline files that changed. */
  code: string[];
  /** New top-level entries of the repository. */
  created: string[];
}

export interface OutsideWatch {
  check(): OutsideWrites;
}

/** Records the state of `inputs` and `code` (absolute or repository-relative) and of the top level. */
export function watchOutside(root: string, inputs: string[], code: string[]): OutsideWatch {
  const abs = (p: string) => (p.startsWith('/') ? p : join(root, p));
  const before = new Map<string, string>();
  for (const p of [...inputs, ...code]) before.set(abs(p), signature(abs(p)));
  const top = topLevel(root);
  return {
    check() {
      const changed = (list: string[]) => [...new Set(list.map(abs))].filter((p) => signature(p) !== before.get(p)).map((p) => relative(root, p));
      const created = [...topLevel(root)].filter((n) => !top.has(n) && !ENGINE_OWNED.test(n)).sort();
      return { inputs: changed(inputs), code: changed(code), created };
    },
  };
}
