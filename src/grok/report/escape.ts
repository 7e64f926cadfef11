/**
 * Escaping for the three output languages. Every piece of text that comes from the model passes through
 * one of these before it reaches a file, so a label such as "ln T < 10 & rising" cannot break the markup.
 */

/** Text and attribute values in XML, SVG and HTML. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Text inside a Markdown paragraph or a table cell: HTML-significant characters become entities, Markdown
 * emphasis and code characters are backslash-escaped, and '|' is escaped so it cannot split a table cell.
 * Newlines would end a table row, so they become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}
