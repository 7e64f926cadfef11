/**
 * The report's data model: everything the rendered page shows, as plain JSON-able data.
 *
 * The renderer draws; it does not analyse. Every number here was computed upstream (the per-experiment
 * analyses), so the same model always gives the same bytes, and a reader can trace each printed value to
 * a field. Two small conveniences are computed at render time because they are presentation, not science:
 * the PASS/FAIL mark of a comparison (from its declared tolerance, unless the model states the mark) and
 * the pointwise median line of a curves chart.
 */

/** How a number is printed. Every format is exact and locale-free, so the output is the same on any host. */
export type NumberFormat =
  /** `digits` decimals: 0.968 */
  | { kind: 'fixed'; digits: number }
  /** `digits` significant digits, exponent form outside [1e-3, 1e6): 3.41, 2.5e-7 */
  | { kind: 'significant'; digits: number }
  /** a share as a percentage with `digits` decimals: 0.31 -> 31% */
  | { kind: 'percent'; digits: number }
  /** a rounded integer with thousands grouped by a thin space: 25 000 */
  | { kind: 'integer' }
  /** a ratio with `digits` decimals and a times sign: 3.43× */
  | { kind: 'times'; digits: number };

/** A number as the report states it: a value, optionally an interval (e.g. a 95% CI) and an "about". */
export interface Estimate {
  value: number;
  low?: number;
  high?: number;
  format: NumberFormat;
  /** printed with a leading "≈": the paper says "about". */
  approx?: boolean;
}

/** A published or reproduced quantity: a number (with its interval) or a categorical statement. */
export type Quantity = Estimate | { text: string };

/**
 * How close the reproduction must come to pass. `none` marks a row as informational (shown with "—").
 * - absolute: |reproduced - published| <= within
 * - relative: |reproduced - published| <= within * |published|
 * - factor:   max(r/p, p/r) <= within (both positive)
 * - atLeast / atMost: the reproduced value against a bound the paper states ("R² > 0.95")
 * - between:  low <= reproduced <= high (a published interval, e.g. a 95% CI the value must fall in)
 * - match:    the reproduced text equals the published text (categorical verdicts, "every seed")
 */
export type Tolerance =
  | { kind: 'absolute'; within: number }
  | { kind: 'relative'; within: number }
  | { kind: 'factor'; within: number }
  | { kind: 'atLeast'; bound: number }
  | { kind: 'atMost'; bound: number }
  | { kind: 'between'; low: number; high: number }
  | { kind: 'match' }
  | { kind: 'none' };

/** DIVERGES: a known divergence that claims.yaml explains (`expect: diverges`), stated upstream, never judged. */
export type Mark = 'PASS' | 'FAIL' | 'DIVERGES' | '—';

export type Cell =
  /** plain text */
  | string
  /** a missing value, printed as "—" */
  | null
  | { kind: 'number'; value: number | null; format: NumberFormat; /** printed instead of "—" when value is null */ missing?: string }
  | ({ kind: 'estimate' } & Estimate)
  | {
      kind: 'comparison';
      published: Quantity;
      /** null: not reproduced (yet); the mark is "—". */
      reproduced: Quantity | null;
      tolerance: Tolerance;
      /** a mark decided upstream (e.g. by `grokpipe verify`); when absent it is judged from the tolerance. */
      mark?: Mark;
      /** a few words on why, shown on hover in HTML and after the mark in Markdown. */
      why?: string;
    };

export type ComparisonCell = Extract<Cell, { kind: 'comparison' }>;

export interface Column {
  header: string;
  /**
   * A comparison column renders each cell as four: published, reproduced, tolerance, check.
   * Every cell of such a column must be a comparison or null.
   */
  kind?: 'value' | 'comparison';
  align?: 'left' | 'right' | 'center';
}

export interface Table {
  /** unique in the report; lowercase letters, digits and '-'; the HTML element id is `tab-<id>`. */
  id: string;
  caption: string;
  columns: Column[];
  rows: Cell[][];
  footnote?: string;
}

export type ScaleKind = 'linear' | 'log';

export interface Axis {
  label: string;
  scale?: ScaleKind;
  /** forces the domain to include these values (e.g. 0 for a share, 1 for an accuracy). */
  include?: number[];
  /** tick label format; by default chosen from the tick step. */
  format?: NumberFormat;
}

/** A straight line y = intercept + slope * x drawn over [from, to] (default: the x extent of its data). */
export interface FitLine {
  intercept: number;
  slope: number;
  from?: number;
  to?: number;
  /** the legend entry, e.g. "fit: ln T = 4.1 + 2.3 L (R² = 0.968)"; "" keeps the line out of the legend. */
  label: string;
  /** a palette index or "neutral" (dark grey); default neutral. */
  colour?: number | 'neutral';
}

/**
 * A horizontal (axis 'y') or vertical (axis 'x') reference line, e.g. the 0.9 grokking threshold. The axis
 * domain is widened to show it.
 */
export interface Reference {
  axis: 'x' | 'y';
  value: number;
  label?: string;
  /** where the label sits along the line: at its start (left or top, the default) or its end. */
  labelAt?: 'start' | 'end';
}

export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'triangle-down' | 'cross';

export interface ScatterPoint {
  x: number | null;
  y: number | null;
  /** one of `colourBy.levels` */
  colour: string;
  /** one of `markerBy.levels` */
  marker: string;
  hollow?: boolean;
}

/** Scatter with a fitted line: ln T_grok against L over the collapse grid, coloured by rho, marker by tau. */
export interface ScatterChart {
  type: 'scatter';
  title: string;
  x: Axis;
  y: Axis;
  colourBy: { title: string; levels: string[]; palette?: 'categorical' | 'sequential' };
  markerBy: { title: string; levels: string[] };
  points: ScatterPoint[];
  fits?: FitLine[];
  references?: Reference[];
}

export interface LinePoint {
  x: number | null;
  y: number | null;
  /** drawn as an open marker (e.g. a dose cell cut from the fit for softmax collapse). */
  hollow?: boolean;
  /** an error bar from low to high (e.g. the range over seeds). */
  low?: number;
  high?: number;
}

export interface LineSeries {
  name: string;
  points: LinePoint[];
  marker?: MarkerShape;
  dash?: boolean;
  /** markers only, no connecting line */
  noLine?: boolean;
  /** a palette index; default the series' position. */
  colour?: number;
}

/** Multi-series line chart with markers: T_grok across the tau sweep; dose response with its fits. */
export interface LineChart {
  type: 'line';
  title: string;
  x: Axis;
  y: Axis;
  series: LineSeries[];
  fits?: FitLine[];
  references?: Reference[];
  /** legend text explaining hollow markers, e.g. "hollow: cut (softmax collapse)". */
  hollowMeaning?: string;
  /** legend text for a family of unlabelled fits (a neutral dashed swatch), e.g. "fit per modulus". */
  fitMeaning?: string;
}

export interface CurveGroup {
  name: string;
  /** one row per run (seed), aligned with the chart's x; null or NaN leaves a gap. */
  runs: Array<Array<number | null>>;
  colour?: number;
}

/**
 * Curves: test accuracy against step for the fork arms, each run faint and the pointwise median over the
 * group's runs bold (computed here: median of the finite values at each x, a gap where there are none).
 */
export interface CurvesChart {
  type: 'curves';
  title: string;
  x: Axis;
  y: Axis;
  xValues: number[];
  groups: CurveGroup[];
  references?: Reference[];
}

export interface BarValue {
  value: number | null;
  /** a lower bound only: the run hit its budget (e.g. float64 not grokked by 60k); drawn open-topped. */
  censored?: boolean;
  /** individual runs (seeds) drawn as dots over the bar. */
  runs?: Array<number | null>;
}

/** Grouped bars with per-seed dots: float32 vs float64 T_grok or softmax-collapse fraction per cell. */
export interface BarsChart {
  type: 'bars';
  title: string;
  y: Axis;
  /** the groups along x, e.g. ["ρ = 1.15", "ρ = 1.25"] */
  categories: string[];
  /** the bars inside a group, e.g. ["float32", "float64"] */
  series: Array<{ name: string; values: BarValue[]; colour?: number }>;
  references?: Reference[];
  /** format of the value printed above each bar; none when absent. */
  valueFormat?: NumberFormat;
}

export type Chart = ScatterChart | LineChart | CurvesChart | BarsChart;

export interface Figure {
  /** unique in the report; lowercase letters, digits and '-'; the file is figures/<id>.svg, the element `fig-<id>`. */
  id: string;
  caption: string;
  chart: Chart;
  /** pixel size of the drawing; default 640 x 400. */
  width?: number;
  height?: number;
}

export interface Section {
  /** unique in the report; lowercase letters, digits and '-'. */
  id: string;
  title: string;
  /** paragraphs of plain text. */
  text: string[];
  tables?: Table[];
  figures?: Figure[];
  /** short facts shown after the figures, e.g. "seeds grokked per cell: 3/4". */
  notes?: string[];
}

export interface ReportHeader {
  /** the study's title */
  title: string;
  /** the paper being reproduced */
  paper?: { title: string; reference: string; url?: string };
  /** the pipeline profile the artifacts come from, e.g. "smoke" or "paper" */
  profile: string;
  /** a summary of the pipeline's keys: label -> value (e.g. "pipeline key" -> "3f9a…", "stage instances" -> "118"). */
  pipeline: Array<{ label: string; value: string }>;
  /** what produced the page, e.g. "grokpipe 0.1.0"; never a time. */
  generator: string;
}

export interface ReportModel {
  header: ReportHeader;
  sections: Section[];
}
