/**
 * The one piece of inline markup the report's prose may use: `code` between backticks (stage names,
 * keys, file names). Everything else is plain text and is escaped by each writer.
 */
export interface InlineRun {
  code: boolean;
  text: string;
}

export function splitInline(content: string): InlineRun[] {
  const runs: InlineRun[] = [];
  const parts = content.split('`');
  // an odd count of backticks leaves the last one literal
  const closed = parts.length % 2 === 1 ? parts.length : parts.length - 1;
  for (let i = 0; i < parts.length; i++) {
    if (i >= closed) {
      runs.push({ code: false, text: '`' + parts[i] });
    } else if (parts[i] !== '') {
      runs.push({ code: i % 2 === 1, text: parts[i] });
    }
  }
  return runs;
}
