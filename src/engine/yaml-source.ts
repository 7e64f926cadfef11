/**
 * A YAML file parsed with its source positions kept, so that any later error (schema, interpolation,
 * a stage's params schema, a missing dependency) can point at the line and column of the field.
 *
 * `${...}` is not valid inside YAML flow collections (`{ p: ${vars.moduli} }`): `{` and `}` are flow
 * indicators. Before parsing we rewrite every `${expr}` to `$⦃expr⦄` (U+2983/U+2984, one UTF-16 unit
 * each, so every offset is unchanged); the interpolator reads that form and messages print `${expr}`.
 */
import YAML, { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, visit, type Alias, type Document, type Node } from 'yaml';
import { GrokpipeError, type ErrorDetails } from './errors.ts';
import { encodingProblem } from './text-encoding.ts';

export const OPEN = '$\u2983';
export const CLOSE = '\u2984';

const EXPRESSION = /\$\{([^{}\n]*)\}/g;

export function protectExpressions(text: string): string {
  return text.replace(EXPRESSION, (_m, inner: string) => `${OPEN}${inner}${CLOSE}`);
}

/** Turns the protected form back into what the user wrote, for messages. */
export function showExpressions(s: string): string {
  return s.split(OPEN).join('${').split(CLOSE).join('}');
}

/** Nodes an alias may expand to, in all, before a document is refused (yaml's maxAliasCount). */
const ALIAS_LIMIT = 1000;

function firstAlias(doc: Document.Parsed): Alias | null {
  let found: Alias | null = null;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node)) found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** The first mapping key spelt __proto__ (the other names every object has, e.g. constructor, are own keys once parsed). */
function firstProtoKey(doc: Document.Parsed): Node | null {
  let found: Node | null = null;
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && String(pair.key.value) === '__proto__') {
        found = pair.key;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * `value` with every mapping made an object without a prototype, so that a name the user chose (a stage,
 * profile, var or param called `constructor`, `toString`, `valueOf`) is only ever its own entry: a lookup
 * of one that is absent finds nothing instead of Object's method.
 */
export function withoutPrototypes<T>(value: T): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = withoutPrototypes(value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k] = withoutPrototypes(v);
  return out as T;
}

export type FieldPath = ReadonlyArray<string | number>;

export interface Position {
  line: number;
  column: number;
  span: number;
}

export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;
  private readonly sourceLines: string[];

  private constructor(file: string, text: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.text = text;
    this.doc = doc;
    this.lines = lines;
    this.sourceLines = text.split(/\r?\n/);
  }

  /** Parses `text`; a YAML syntax error becomes a GrokpipeError at its line and column. */
  static parse(file: string, text: string): YamlSource {
    const encoding = encodingProblem(text);
    if (encoding) {
      const before = text.slice(0, encoding.offset).split('\n');
      throw new GrokpipeError({ title: `${file} is not UTF-8 text`, file, line: before.length, column: before[before.length - 1]!.length + 1, expected: 'a file saved as UTF-8', found: encoding.found, hint: `save ${file} again as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)` });
    }
    const lines = new LineCounter();
    const doc = YAML.parseDocument(protectExpressions(text), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const src = new YamlSource(file, text, doc, lines);
    const problem = doc.errors[0];
    if (problem) {
      const offset = problem.pos[0];
      const pos = lines.linePos(offset);
      const message = showExpressions(problem.message.split('\n')[0]!).replace(/ at line \d+, column \d+:?$/, '');
      // The parser recurses per level of nesting: a document nested some 800 levels deep overflows its stack.
      const tooDeep = /Maximum call stack/.test(message);
      throw new GrokpipeError({
        title: tooDeep ? `${file} nests values too deeply for its parser (some 800 levels of [ or { are its limit)` : `${file} is not valid YAML`,
        file,
        line: pos.line,
        column: pos.col,
        span: Math.max(1, problem.pos[1] - problem.pos[0]),
        sourceLine: src.sourceLines[pos.line - 1],
        found: tooDeep ? 'values nested deeper than the YAML parser can follow' : message,
        hint: tooDeep ? 'flatten the value: pass deep structures through a data file under files:' : 'check indentation, and quote values that contain ": " or start with a special character',
      });
    }
    const proto = firstProtoKey(doc);
    if (proto?.range) {
      throw src.errorAtRange(proto.range, {
        title: `\`__proto__\` cannot be a name in ${file}`,
        expected: 'a name other than __proto__ (stage, profile, var, matrix axis, param, dependency, output)',
        found: '`__proto__`, which JavaScript reads as the prototype of an object: the entry would vanish, or change every object of its kind',
        hint: 'rename it',
      });
    }
    return src;
  }

  /** The plain JavaScript value of the document (expressions still in protected form). */
  toJS(): unknown {
    try {
      return withoutPrototypes(this.doc.toJS({ maxAliasCount: ALIAS_LIMIT }));
    } catch (e) {
      // The yaml library refuses a document whose aliases would expand too far (a "billion laughs" bomb)
      // with a ReferenceError that carries no position: point at the first alias instead.
      if (!/alias/i.test((e as Error).message)) throw e;
      const first = firstAlias(this.doc);
      const pos = first?.range ? this.lines.linePos(first.range[0]) : { line: 1, col: 1 };
      throw new GrokpipeError({
        title: `${this.file} expands aliases too far (a YAML alias bomb?)`,
        file: this.file,
        line: pos.line,
        column: pos.col,
        span: first?.range ? Math.max(1, first.range[1] - first.range[0]) : 1,
        sourceLine: this.sourceLines[pos.line - 1],
        expected: `aliases (*name) that expand to at most ${ALIAS_LIMIT} nodes in all`,
        found: `${(e as Error).message.split('\n')[0]}`,
        hint: 'write the values out, or use vars: and ${vars.name} instead of nested anchors and aliases',
      });
    }
  }

  /**
   * Position of the value at `path`, or of its key when `key` is set (used for "unknown field").
   * A path that does not exist resolves to its deepest existing ancestor, so a message about a
   * missing field points at the object that should hold it.
   */
  locate(path: FieldPath, key = false): Position {
    let node: unknown = this.doc.contents;
    let keyNode: Node | null = null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        keyNode = null;
        node = node.items[seg];
      } else {
        break;
      }
    }
    const target = (key && keyNode ? keyNode : (node as Node | null)) ?? keyNode;
    const range = target?.range;
    if (!range) return { line: 1, column: 1, span: 1 };
    const p = this.lines.linePos(range[0]);
    const endLine = this.lines.linePos(range[1]).line;
    const span = endLine === p.line ? Math.max(1, range[1] - range[0]) : Math.max(1, (this.sourceLines[p.line - 1]?.length ?? 1) - p.col + 1);
    return { line: p.line, column: p.col, span };
  }

  /** A GrokpipeError at a node's source range (for checks that walk the document, not a field path). */
  errorAtRange(range: readonly [number, number, ...number[]], details: Omit<ErrorDetails, 'file' | 'line' | 'column' | 'span' | 'sourceLine'>): GrokpipeError {
    const p = this.lines.linePos(range[0]);
    return new GrokpipeError({ ...details, file: this.file, line: p.line, column: p.col, span: Math.max(1, range[1] - range[0]), sourceLine: this.sourceLines[p.line - 1] });
  }

  /** True when `path` exists in the document. */
  has(path: FieldPath): boolean {
    return this.doc.hasIn(path as unknown[]);
  }

  /** A GrokpipeError located at `path` (the first of `paths` that exists, else the deepest ancestor). */
  errorAt(paths: FieldPath | FieldPath[], details: Omit<ErrorDetails, 'file' | 'line' | 'column' | 'span' | 'sourceLine'>, key = false): GrokpipeError {
    const list = (Array.isArray(paths[0]) ? paths : [paths]) as FieldPath[];
    const chosen = list.find((p) => this.has(p)) ?? list[0]!;
    const pos = this.locate(chosen, key);
    return new GrokpipeError({
      ...details,
      field: details.field ?? formatPath(chosen),
      file: this.file,
      line: pos.line,
      column: pos.column,
      span: pos.span,
      sourceLine: this.sourceLines[pos.line - 1],
    });
  }
}

export function formatPath(path: FieldPath): string {
  return path
    .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg) ? (i === 0 ? seg : `.${seg}`) : `[${JSON.stringify(seg)}]`))
    .join('');
}
