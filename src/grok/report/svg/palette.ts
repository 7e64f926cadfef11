/**
 * Colours that stay distinct under the common colour-vision deficiencies.
 * Categorical: Okabe & Ito (2008), ordered so the first four are the most separable on white; yellow is
 * left out because it vanishes on a white page. Sequential: viridis (perceptually uniform, readable in
 * greyscale), sampled over [0, 0.85] so the lightest end still shows on white.
 */
export const CATEGORICAL = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000'];

/** Axis lines, fits, references: a dark neutral that does not compete with the data colours. */
export const NEUTRAL = '#4D4D4D';
export const GRID = '#E3E3E3';
export const INK = '#1A1A1A';

/** Categorical colour `index`, cycling if a chart has more series than colours. */
export function categorical(index: number): string {
  const n = CATEGORICAL.length;
  return CATEGORICAL[((index % n) + n) % n];
}

// viridis at t = 0, 1/9, ..., 1 (matplotlib's ten-colour sample)
const VIRIDIS = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

/** The `index`-th of `count` ordered levels on the sequential scale (darkest first). */
export function sequential(index: number, count: number): string {
  const t = count <= 1 ? 0 : (index / (count - 1)) * 0.85;
  const position = t * 9;
  const i = Math.min(8, Math.floor(position));
  const f = position - i;
  const channel = (k: number) => Math.round(VIRIDIS[i][k] + (VIRIDIS[i + 1][k] - VIRIDIS[i][k]) * f);
  return `#${[0, 1, 2].map((k) => channel(k).toString(16).padStart(2, '0').toUpperCase()).join('')}`;
}
