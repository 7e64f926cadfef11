/**
 * What a source file imports, found by lexing, not by pattern matching: the file is first stripped of
 * its TypeScript syntax by esbuild (the transformer tsx runs it through, so what we lex is what runs),
 * then es-module-lexer reads the imports of the plain JavaScript. A regular-expression scanner cannot
 * tell a regex literal, a string or a comment from code (`/^\/*$/` hid every import after it), and
 * es-module-lexer alone stumbles on TypeScript: `a! / 2` reads as the start of a regex (a parse error,
 * or an import silently swallowed), and `typeof import('x')` in a type reads as a dynamic import.
 *
 * Found: static imports, side-effect imports, `export ... from`, `import()` with a string or a template
 * literal without substitutions, `require()` calls, and assets `new URL('<literal>', import.meta.url)`.
 * Erased (not found): `import type`, `export type`, type positions. A dynamic import, require or asset
 * whose argument is an expression is returned as `computed`: the closure refuses it, because the key
 * cannot know what it will load.
 */
import { initSync, parse } from 'es-module-lexer';
import { transformSync, type Loader, type TransformFailure } from 'esbuild';
import { GrokpipeError } from '../errors.ts';

export type ImportKind = 'import' | 'require' | 'asset';

export interface ScannedImport {
  kind: ImportKind;
  /** The specifier, or the source text of the expression when `computed`. */
  spec: string;
  computed?: true;
  /** 1-based position of the specifier in the original file. */
  line: number;
  column: number;
}

/** Bump when the scan's results change for the same input; the hash cache drops older scans. */
export const SCAN_FORMAT = 2;

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx' };

export function loaderFor(ext: string): Loader | undefined {
  return LOADERS[ext];
}

initSync();

/** `require(` as a call of the free identifier (not `x.require(`, not `requireHere(`). */
const REQUIRE_CALL = /(?<![\w$.])require(?=\s*\()/g;
const NEW_URL_BEFORE = /new\s+URL\s*\(\s*([^,()]*?)\s*,\s*$/;
const URL_AFTER = /^\s*\.\s*url\s*[,)]/;

export function scanImports(text: string, file: string, ext: string): ScannedImport[] {
  const loader = loaderFor(ext) ?? 'js';
  let code: string;
  let map: SourceMap;
  try {
    // verbatimModuleSyntax: keep every import that is not explicitly type-only, even one whose bindings
    // look unused; following one file too many costs a rerun, one too few a stale result.
    const out = transformSync(text, { loader, sourcefile: file, sourcemap: 'external', target: 'esnext', tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } } });
    code = out.code;
    map = JSON.parse(out.map) as SourceMap;
  } catch (e) {
    const first = (e as TransformFailure).errors?.[0];
    throw new GrokpipeError({
      title: `cannot read the imports of ${file}`,
      file,
      line: first?.location?.line,
      column: first?.location ? first.location.column + 1 : undefined,
      sourceLine: first?.location?.lineText,
      expected: 'TypeScript or JavaScript that esbuild can parse (the code closure follows its imports)',
      found: first?.text ?? (e as Error).message,
      hint: 'fix the syntax error; a file that is not a JavaScript module (e.g. AssemblyScript) cannot be imported by a stage',
    });
  }
  const position = positionsIn(code, map);
  const found: Array<ScannedImport & { at: number }> = [];
  const literal = (s: string): string | null => {
    // Only a lone literal (no quote of its own kind inside, no `${`) reaches eval, so nothing runs.
    const m = /^"(?:[^"\\\n]|\\.)*"$/.exec(s) ?? /^'(?:[^'\\\n]|\\.)*'$/.exec(s) ?? /^`(?:[^`\\$]|\\.|\$(?!\{))*`$/.exec(s);
    if (!m) return null;
    try {
      return String((0, eval)(s));
    } catch {
      return null;
    }
  };
  const add = (kind: ImportKind, raw: string | undefined, exprText: string, at: number) => {
    const { line, column } = position(at);
    if (raw !== undefined) found.push({ kind, spec: raw, line, column, at });
    else found.push({ kind, spec: exprText.trim(), computed: true, line, column, at });
  };

  const [imports] = parse(code, file);
  for (const imp of imports) {
    if (imp.d === -2) {
      // import.meta: an asset when it is the base of new URL(<x>, import.meta.url).
      const before = NEW_URL_BEFORE.exec(code.slice(Math.max(0, imp.s - 400), imp.s));
      if (!before || !URL_AFTER.test(code.slice(imp.e, imp.e + 40))) continue;
      const arg = before[1]!;
      const at = imp.s - before[0].length + before[0].indexOf(arg);
      add('asset', literal(arg) ?? undefined, arg, at);
      continue;
    }
    if (imp.d >= 0) {
      add('import', imp.n ?? literal(code.slice(imp.s, imp.e).trim()) ?? undefined, code.slice(imp.s, imp.e), imp.s);
      continue;
    }
    if (imp.n !== undefined) add('import', imp.n, imp.n, imp.s);
  }

  // require(...) calls: the same lexer decides which ones are code. Each `require` is overwritten with
  // `import ` (same length, so every offset holds) and the lexer reports the ones that are real calls as
  // dynamic imports; those in strings, comments and regexes stay invisible.
  const calls = [...code.matchAll(REQUIRE_CALL)].map((m) => m.index);
  if (calls.length) {
    const chars = code.split('');
    for (const i of calls) chars.splice(i, 7, ...'import ');
    const [probe] = parse(chars.join(''), file);
    const starts = new Set(calls);
    for (const imp of probe) {
      if (imp.d < 0 || !starts.has(imp.ss)) continue;
      add('require', imp.n ?? literal(code.slice(imp.s, imp.e).trim()) ?? undefined, code.slice(imp.s, imp.e), imp.s);
    }
  }

  found.sort((a, b) => a.at - b.at);
  const seen = new Set<string>();
  const out: ScannedImport[] = [];
  for (const { at: _at, ...imp } of found) {
    const id = `${imp.kind}\0${imp.computed ? '?' : ''}${imp.spec}`;
    if (!seen.has(id)) (seen.add(id), out.push(imp));
  }
  return out;
}

interface SourceMap {
  mappings: string;
}

/**
 * Maps an offset in esbuild's output back to a 1-based line and column of the original file, through
 * the source map it wrote (Base64 VLQ, https://sourcemaps.info/spec.html): the segment at or before
 * the offset on its line gives the original position, plus the distance from that segment.
 */
function positionsIn(code: string, map: SourceMap): (offset: number) => { line: number; column: number } {
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStarts.push(i + 1);
  const lines: Array<Array<[number, number, number]>> = [];
  let srcLine = 0;
  let srcCol = 0;
  let src = 0;
  for (const lineText of map.mappings.split(';')) {
    let genCol = 0;
    const segs: Array<[number, number, number]> = [];
    for (const seg of lineText ? lineText.split(',') : []) {
      const v = decodeVlq(seg);
      genCol += v[0]!;
      if (v.length >= 4) {
        src += v[1]!;
        srcLine += v[2]!;
        srcCol += v[3]!;
        segs.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segs);
  }
  return (offset) => {
    let line = lineStarts.length - 1;
    while (lineStarts[line]! > offset) line--;
    const col = offset - lineStarts[line]!;
    for (let l = line; l >= 0; l--) {
      const segs = lines[l] ?? [];
      for (let k = segs.length - 1; k >= 0; k--) {
        const [g, sl, sc] = segs[k]!;
        if (l < line || g <= col) return { line: sl + 1, column: sc + 1 + (l === line ? col - g : 0) };
      }
    }
    return { line: 1, column: 1 };
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(seg: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of seg) {
    const digit = B64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}
