/**
 * A strict, tiny XML well-formedness checker for the report's tests: balanced and properly nested tags,
 * quoted attributes without duplicates, no raw '<' in text or attribute values, every '&' starting a
 * known entity, one root element. It accepts an XML declaration and an HTML5 doctype before the root, so
 * the same check covers the standalone SVG files and the XHTML-compatible index.html.
 *
 * Returns the problems found (empty when well-formed), each with its character offset.
 */
const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;

export function wellFormednessProblems(source: string): string[] {
  const problems: string[] = [];
  const stack: Array<{ name: string; at: number }> = [];
  let roots = 0;
  let i = 0;
  const problem = (at: number, message: string) => problems.push(`at ${at}: ${message}`);

  const checkText = (from: number, to: number) => {
    for (let k = from; k < to; k++) {
      const ch = source[k];
      if (ch === '&' && !ENTITY.test(source.slice(k, k + 12))) problem(k, `'&' that starts no entity: "${source.slice(k, k + 12)}"`);
      if (ch === '<') problem(k, "raw '<' in text");
    }
    if (stack.length === 0 && source.slice(from, to).trim() !== '') problem(from, 'text outside the root element');
  };

  while (i < source.length && problems.length < 20) {
    const lt = source.indexOf('<', i);
    const textEnd = lt === -1 ? source.length : lt;
    checkText(i, textEnd);
    if (lt === -1) break;
    i = lt;
    if (source.startsWith('<?xml', i)) {
      if (i !== 0) problem(i, 'XML declaration not at the very start');
      const end = source.indexOf('?>', i);
      if (end === -1) return [...problems, `at ${i}: unterminated XML declaration`];
      i = end + 2;
      continue;
    }
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i + 4);
      if (end === -1) return [...problems, `at ${i}: unterminated comment`];
      i = end + 3;
      continue;
    }
    if (source.startsWith('<!DOCTYPE', i) || source.startsWith('<!doctype', i)) {
      if (roots > 0 || stack.length > 0) problem(i, 'doctype after the root element started');
      const end = source.indexOf('>', i);
      if (end === -1) return [...problems, `at ${i}: unterminated doctype`];
      i = end + 1;
      continue;
    }
    if (source[i + 1] === '/') {
      const name = NAME.exec(source.slice(i + 2))?.[0];
      const end = source.indexOf('>', i);
      if (!name || end === -1 || source.slice(i + 2 + name.length, end).trim() !== '') {
        problem(i, 'malformed closing tag');
        i = end === -1 ? source.length : end + 1;
        continue;
      }
      const open = stack.pop();
      if (!open) problem(i, `closing </${name}> with no open element`);
      else if (open.name !== name) problem(i, `closing </${name}> but <${open.name}> (opened at ${open.at}) is open`);
      i = end + 1;
      continue;
    }
    // start tag
    const name = NAME.exec(source.slice(i + 1))?.[0];
    if (!name) {
      problem(i, "'<' that starts no tag");
      i++;
      continue;
    }
    let k = i + 1 + name.length;
    const seen = new Set<string>();
    let selfClosing = false;
    let closed = false;
    while (k < source.length) {
      while (/\s/.test(source[k])) k++;
      if (source.startsWith('/>', k)) {
        selfClosing = true;
        closed = true;
        k += 2;
        break;
      }
      if (source[k] === '>') {
        closed = true;
        k++;
        break;
      }
      const attr = NAME.exec(source.slice(k))?.[0];
      if (!attr) {
        problem(k, `malformed attribute in <${name}>`);
        break;
      }
      if (seen.has(attr)) problem(k, `duplicate attribute ${attr} in <${name}>`);
      seen.add(attr);
      k += attr.length;
      if (source[k] !== '=' || (source[k + 1] !== '"' && source[k + 1] !== "'")) {
        problem(k, `attribute ${attr} in <${name}> without a quoted value`);
        break;
      }
      const quote = source[k + 1];
      const valueEnd = source.indexOf(quote, k + 2);
      if (valueEnd === -1) return [...problems, `at ${k}: unterminated attribute value`];
      const value = source.slice(k + 2, valueEnd);
      if (value.includes('<')) problem(k, `raw '<' in attribute ${attr}`);
      for (let v = value.indexOf('&'); v !== -1; v = value.indexOf('&', v + 1)) {
        if (!ENTITY.test(value.slice(v, v + 12))) problem(k, `'&' that starts no entity in attribute ${attr}`);
      }
      k = valueEnd + 1;
    }
    if (!closed) {
      problem(i, `unterminated start tag <${name}>`);
      break;
    }
    if (stack.length === 0) {
      roots++;
      if (roots > 1) problem(i, `second root element <${name}>`);
    }
    if (!selfClosing) stack.push({ name, at: i });
    i = k;
  }
  for (const open of stack) problems.push(`at ${open.at}: <${open.name}> is never closed`);
  if (roots === 0) problems.push('no root element');
  return problems;
}
