/**
 * What every chart returns: the SVG, the notes a reader needs about what was not drawn (skipped values),
 * and the geometry (layout and scales), exposed so tests can recompute pixel positions from the data.
 */
import type { Axis, Reference } from '../model.ts';
import { layoutFrame, type Layout, type LegendBlock, type PlacedTick } from './frame.ts';
import { placeable, type Scale, type ScaleOptions } from './scale.ts';

export interface ChartResult {
  svg: string;
  notes: string[];
  layout: Layout;
  /** absent for a categorical x axis (bars) */
  x?: Scale;
  y: Scale;
}

export interface ChartOptions {
  idPrefix: string;
  width: number;
  height: number;
}

export function placedTicks(scale: Scale): PlacedTick[] {
  return scale.ticks.map((t) => ({ fraction: scale.fraction(t.value), label: t.label }));
}

/** The frame of a chart with two numeric axes (scatter, line, curves): title, axis labels and ticks, legend. */
export function layoutXYFrame(
  chart: { title: string; x: Axis; y: Axis },
  options: ChartOptions,
  x: Scale,
  y: Scale,
  legend: LegendBlock[],
): Layout {
  return layoutFrame({
    idPrefix: options.idPrefix,
    width: options.width,
    height: options.height,
    title: chart.title,
    xLabel: chart.x.label,
    yLabel: chart.y.label,
    xTicks: placedTicks(x),
    yTicks: placedTicks(y),
    legend,
  });
}

/** Reference lines placed on their axis; one off a log scale (value <= 0) is dropped. */
export function placedReferences(references: Reference[] | undefined, x: Scale | undefined, y: Scale) {
  return (references ?? []).map((reference) => {
    const scale = reference.axis === 'x' ? x : y;
    const fraction = scale && placeable(scale.kind, reference.value) ? scale.fraction(reference.value) : null;
    return { reference, fraction };
  });
}

/** Scale options for an axis: its own includes plus its reference lines, so those are always in view. */
export function axisOptions(axis: Axis, references: Reference[] | undefined, which: 'x' | 'y'): ScaleOptions {
  const referenced = (references ?? []).filter((r) => r.axis === which).map((r) => r.value);
  return { include: [...(axis.include ?? []), ...referenced], format: axis.format };
}

/** Counts what could not be drawn and says so in words, e.g. "2 points not drawn: missing or not a number". */
export class SkipCounter {
  private readonly counts = new Map<string, number>();

  add(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  notes(noun: string): string[] {
    return [...this.counts.entries()].map(([reason, n]) => `${n} ${n === 1 ? noun : `${noun}s`} not drawn: ${reason}`);
  }
}

/** Why a value cannot go on a scale of this kind, or null when it can. */
export function unplaceableReason(kind: Scale['kind'], value: number | null | undefined): string | null {
  if (typeof value !== 'number' || Number.isNaN(value)) return 'missing or not a number';
  if (!Number.isFinite(value)) return 'infinite';
  if (kind === 'log' && value <= 0) return 'zero or negative on a log axis';
  return null;
}
