/**
 * The chart frame shared by every chart type: title, legend, plot box, grid, axes, tick labels, axis
 * labels and reference lines. A chart computes its scales and legend, asks for a layout, draws its data
 * in the layout's pixel space, and hands the drawing back to be framed.
 *
 * Layout is computed from estimated text widths (text-width.ts), never from a browser, so it is the same
 * everywhere. The legend flows in rows above the plot rather than beside it, so the plot keeps the full
 * width of the figure.
 */
import type { MarkerShape, Reference } from '../model.ts';
import { el, num, text } from './element.ts';
import { marker } from './markers.ts';
import { GRID, INK, NEUTRAL } from './palette.ts';
import { textWidth, wrapText } from './text-width.ts';

export const FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";
const PAD = 12;
const TITLE_FONT = 15;
const LABEL_FONT = 13;
const TICK_FONT = 12;
const LEGEND_FONT = 12;
const LEGEND_ROW = 19;
const SWATCH = 24;
const TICK_LENGTH = 4;

export type Swatch =
  | { kind: 'marker'; shape: MarkerShape; colour: string; hollow?: boolean }
  | { kind: 'line'; colour: string; dash?: boolean; width?: number; opacity?: number; shape?: MarkerShape }
  | { kind: 'bar'; colour: string; open?: boolean };

export interface LegendEntry {
  label: string;
  swatch: Swatch;
}

export interface LegendBlock {
  title?: string;
  entries: LegendEntry[];
}

/** A tick placed by its fraction along the axis (0 = start of the domain). */
export interface PlacedTick {
  fraction: number;
  label: string;
}

export interface FrameSpec {
  /** prefix for ids inside the SVG (they must be unique on a page that inlines several charts) */
  idPrefix: string;
  width: number;
  height: number;
  title: string;
  xLabel: string;
  yLabel: string;
  xTicks: PlacedTick[];
  yTicks: PlacedTick[];
  /** vertical grid lines at the x ticks (off for categorical axes) */
  xGrid?: boolean;
  legend: LegendBlock[];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  spec: FrameSpec;
  /** total height: the figure's height, or more when a long legend needs room */
  height: number;
  plot: Box;
  titleLines: string[];
  legendSvg: string;
  /** pixel x of an x fraction */
  px(fraction: number): number;
  /** pixel y of a y fraction (0 at the bottom of the plot) */
  py(fraction: number): number;
}

export function layoutFrame(spec: FrameSpec): Layout {
  const maxYTick = Math.max(0, ...spec.yTicks.map((t) => textWidth(t.label, TICK_FONT)));
  const lastXTick = spec.xTicks.length > 0 ? textWidth(spec.xTicks[spec.xTicks.length - 1].label, TICK_FONT) : 0;
  const left = PAD + LABEL_FONT + 8 + maxYTick + TICK_LENGTH + 4;
  const right = PAD + Math.max(4, lastXTick / 2);
  const bottom = PAD + (spec.xLabel === '' ? 0 : LABEL_FONT + 8) + TICK_FONT + TICK_LENGTH + 6;

  const titleLines = wrapText(spec.title, TITLE_FONT, spec.width - 2 * PAD);
  let top = PAD + titleLines.length * (TITLE_FONT + 4);
  const legend = layoutLegend(spec.legend, PAD, top + 6, spec.width - PAD);
  top = legend.bottom + 10;

  const plotWidth = spec.width - left - right;
  const plotHeight = Math.max(spec.height - top - bottom, spec.height * 0.55);
  const plot = { x: left, y: top, width: plotWidth, height: plotHeight };
  return {
    spec,
    height: top + plotHeight + bottom,
    plot,
    titleLines,
    legendSvg: legend.svg,
    px: (f) => plot.x + f * plot.width,
    py: (f) => plot.y + plot.height - f * plot.height,
  };
}

export interface FrameContent {
  /** the data layer, clipped to the plot box */
  data: string;
  /** drawn above the data without clipping (e.g. value labels above bars) */
  overlay?: string;
  references?: Array<{ reference: Reference; fraction: number | null }>;
  /** a message centred in the plot (e.g. "no data") */
  message?: string;
}

/** The complete, standalone SVG document. */
export function drawFrame(layout: Layout, content: FrameContent): string {
  const { spec, plot } = layout;
  const clipId = `${spec.idPrefix}-plot`;
  const titleId = `${spec.idPrefix}-title`;
  const parts: string[] = [];
  parts.push(el('title', { id: titleId }, text(spec.title)));
  parts.push(el('rect', { width: spec.width, height: layout.height, fill: '#FFFFFF' }));
  parts.push(
    el(
      'defs',
      {},
      el('clipPath', { id: clipId }, el('rect', { x: plot.x, y: plot.y, width: plot.width, height: plot.height })),
    ),
  );
  parts.push(
    el(
      'text',
      { class: 'chart-title', x: PAD, y: PAD + TITLE_FONT - 2, 'font-size': TITLE_FONT, 'font-weight': 'bold', fill: INK },
      ...layout.titleLines.map((line, i) => el('tspan', { x: PAD, dy: i === 0 ? undefined : TITLE_FONT + 4 }, text(line))),
    ),
  );
  parts.push(layout.legendSvg);
  parts.push(grid(layout));
  parts.push(el('g', { class: 'data', 'clip-path': `url(#${clipId})` }, content.data));
  for (const r of content.references ?? []) parts.push(reference(layout, r.reference, r.fraction));
  parts.push(axes(layout));
  if (content.overlay) parts.push(content.overlay);
  if (content.message) {
    parts.push(
      el(
        'text',
        { class: 'message', x: plot.x + plot.width / 2, y: plot.y + plot.height / 2, 'text-anchor': 'middle', 'font-size': LABEL_FONT, fill: NEUTRAL },
        text(content.message),
      ),
    );
  }
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${num(spec.width)} ${num(layout.height)}`,
      width: spec.width,
      height: layout.height,
      role: 'img',
      'aria-labelledby': titleId,
      'font-family': FONT_FAMILY,
    },
    ...parts,
  );
}

function grid(layout: Layout): string {
  const { spec, plot } = layout;
  const lines: string[] = [];
  for (const t of spec.yTicks) {
    const y = layout.py(t.fraction);
    lines.push(el('line', { x1: plot.x, y1: y, x2: plot.x + plot.width, y2: y }));
  }
  if (spec.xGrid !== false) {
    for (const t of spec.xTicks) {
      const x = layout.px(t.fraction);
      lines.push(el('line', { x1: x, y1: plot.y, x2: x, y2: plot.y + plot.height }));
    }
  }
  return el('g', { class: 'grid', stroke: GRID, 'stroke-width': 1 }, ...lines);
}

function axes(layout: Layout): string {
  const { spec, plot } = layout;
  const bottom = plot.y + plot.height;
  const parts: string[] = [];
  parts.push(el('path', { d: `M${num(plot.x)} ${num(plot.y)}V${num(bottom)}H${num(plot.x + plot.width)}`, fill: 'none', stroke: NEUTRAL, 'stroke-width': 1 }));
  const xTickMarks = spec.xTicks.map((t) => `M${num(layout.px(t.fraction))} ${num(bottom)}v${TICK_LENGTH}`).join('');
  const yTickMarks = spec.yTicks.map((t) => `M${num(plot.x)} ${num(layout.py(t.fraction))}h${-TICK_LENGTH}`).join('');
  if (xTickMarks + yTickMarks !== '') parts.push(el('path', { d: xTickMarks + yTickMarks, stroke: NEUTRAL, 'stroke-width': 1 }));
  parts.push(
    el(
      'g',
      { class: 'x-ticks', 'font-size': TICK_FONT, fill: INK, 'text-anchor': 'middle' },
      ...spec.xTicks.map((t) => el('text', { x: layout.px(t.fraction), y: bottom + TICK_LENGTH + TICK_FONT + 2 }, text(t.label))),
    ),
  );
  parts.push(
    el(
      'g',
      { class: 'y-ticks', 'font-size': TICK_FONT, fill: INK, 'text-anchor': 'end' },
      ...spec.yTicks.map((t) => el('text', { x: plot.x - TICK_LENGTH - 3, y: layout.py(t.fraction), dy: '0.35em' }, text(t.label))),
    ),
  );
  if (spec.xLabel !== '') {
    parts.push(
      el(
        'text',
        { class: 'x-label', x: plot.x + plot.width / 2, y: layout.height - PAD, 'text-anchor': 'middle', 'font-size': LABEL_FONT, fill: INK },
        text(spec.xLabel),
      ),
    );
  }
  const yMid = plot.y + plot.height / 2;
  parts.push(
    el(
      'text',
      {
        class: 'y-label',
        x: PAD + LABEL_FONT - 2,
        y: yMid,
        transform: `rotate(-90 ${num(PAD + LABEL_FONT - 2)} ${num(yMid)})`,
        'text-anchor': 'middle',
        'font-size': LABEL_FONT,
        fill: INK,
      },
      text(spec.yLabel),
    ),
  );
  return el('g', { class: 'axes' }, ...parts);
}

/** A dashed reference line across the plot with its label; null fraction = off the scale, not drawn. */
function reference(layout: Layout, r: Reference, fraction: number | null): string {
  if (fraction === null || fraction < 0 || fraction > 1) return '';
  const { plot } = layout;
  const style = { stroke: NEUTRAL, 'stroke-width': 1, 'stroke-dasharray': '5 3', fill: 'none' };
  const halo = { stroke: '#FFFFFF', 'stroke-width': 3, 'paint-order': 'stroke', 'font-size': TICK_FONT, fill: NEUTRAL };
  const atEnd = r.labelAt === 'end';
  if (r.axis === 'y') {
    const y = layout.py(fraction);
    const x = atEnd ? plot.x + plot.width - 4 : plot.x + 4;
    return el(
      'g',
      { class: 'reference' },
      el('line', { ...style, x1: plot.x, y1: y, x2: plot.x + plot.width, y2: y }),
      r.label ? el('text', { ...halo, x, y: y - 4, 'text-anchor': atEnd ? 'end' : 'start' }, text(r.label)) : '',
    );
  }
  const x = layout.px(fraction);
  // the label sits beside the line, on the side with more room
  const leftOfLine = fraction > 0.7;
  return el(
    'g',
    { class: 'reference' },
    el('line', { ...style, x1: x, y1: plot.y, x2: x, y2: plot.y + plot.height }),
    r.label
      ? el(
          'text',
          { ...halo, x: leftOfLine ? x - 4 : x + 4, y: atEnd ? plot.y + plot.height - 6 : plot.y + TICK_FONT + 2, 'text-anchor': leftOfLine ? 'end' : 'start' },
          text(r.label),
        )
      : '',
  );
}

/** Legend blocks flow left to right and wrap; each block starts a new row, led by its title in bold. */
function layoutLegend(blocks: LegendBlock[], x0: number, y0: number, xMax: number): { svg: string; bottom: number } {
  const items: string[] = [];
  let rowTop = y0;
  let anyRow = false;
  for (const block of blocks) {
    if (block.entries.length === 0) continue;
    let x = x0;
    if (anyRow) rowTop += LEGEND_ROW;
    anyRow = true;
    const baseline = () => rowTop + LEGEND_FONT;
    if (block.title) {
      items.push(el('text', { x, y: baseline(), 'font-weight': 'bold' }, text(block.title)));
      x += textWidth(block.title, LEGEND_FONT) * 1.08 + 8;
    }
    for (const entry of block.entries) {
      const width = SWATCH + 5 + textWidth(entry.label, LEGEND_FONT) + 14;
      if (x + width - 14 > xMax && x > x0 + 1) {
        rowTop += LEGEND_ROW;
        x = x0 + (block.title ? 12 : 0);
      }
      const mid = rowTop + LEGEND_FONT / 2 + 2;
      items.push(swatch(entry.swatch, x, mid));
      items.push(el('text', { x: x + SWATCH + 5, y: baseline() }, text(entry.label)));
      x += width;
    }
  }
  if (!anyRow) return { svg: '', bottom: y0 - 6 };
  return { svg: el('g', { class: 'legend', 'font-size': LEGEND_FONT, fill: INK }, ...items), bottom: rowTop + LEGEND_ROW };
}

function swatch(s: Swatch, x: number, mid: number): string {
  const cx = x + SWATCH / 2;
  switch (s.kind) {
    case 'marker':
      return marker(s.shape, cx, mid, { colour: s.colour, hollow: s.hollow });
    case 'line':
      return el(
        'g',
        {},
        el('line', {
          x1: x,
          y1: mid,
          x2: x + SWATCH,
          y2: mid,
          stroke: s.colour,
          'stroke-width': s.width ?? 2,
          'stroke-dasharray': s.dash ? '6 3' : undefined,
          'stroke-opacity': s.opacity,
        }),
        s.shape ? marker(s.shape, cx, mid, { colour: s.colour }) : '',
      );
    case 'bar':
      return el('rect', {
        x: x + 5,
        y: mid - 6,
        width: SWATCH - 10,
        height: 12,
        fill: s.colour,
        'fill-opacity': s.open ? 0.25 : undefined,
        stroke: s.colour,
        'stroke-dasharray': s.open ? '3 2' : undefined,
      });
  }
}
