/**
 * An estimate of rendered text width, used only for layout (margins, legend flow, wrapping). Browsers are
 * not asked: the chart must lay out identically without one. Widths are Helvetica's advance widths in
 * thousandths of an em for printable ASCII, which sit close to Arial, Liberation Sans and DejaVu Sans
 * (the widest of the usual fallbacks; we round up by 4% to leave room for it).
 */
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space ! " # $ % & ' ( ) * + , - . /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
  278, 278, 584, 584, 584, 556, 1015, // : ; < = > ? @
  667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667,
  944, 667, 667, 611, // A-Z
  278, 278, 278, 469, 556, 333, // [ \ ] ^ _ `
  556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500,
  722, 500, 500, 500, // a-z
  334, 260, 334, 584, // { | } ~
];

/** Width in px of `content` at `fontSize` px. Characters outside ASCII count as a digit's width. */
export function textWidth(content: string, fontSize: number): number {
  let units = 0;
  for (const ch of content) {
    const code = ch.codePointAt(0) ?? 0;
    units += code >= 32 && code < 127 ? ASCII_WIDTHS[code - 32] : 600;
  }
  return (units / 1000) * fontSize * 1.04;
}

/** Greedy word wrap to lines no wider than `maxWidth` (a single long word stays whole). */
export function wrapText(content: string, fontSize: number, maxWidth: number): string[] {
  const words = content.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && textWidth(candidate, fontSize) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
