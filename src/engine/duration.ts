/**
 * Durations as people write them in pipeline.yaml and on command lines: `90s`, `30m`, `2h`, `1h30m`,
 * `1d`, `1d12h`. One parser for every place that takes a duration (a stage's `timeout:`, a Slurm time
 * limit), so that the same text means the same time everywhere.
 *
 * Grammar: one or more `<integer><unit>` parts, units in decreasing order (d, h, m, s, ms), each unit at
 * most once, no spaces, no signs, no fractions. A bare number is refused: "is 30 seconds or minutes?" is
 * exactly the ambiguity this format exists to remove.
 */

export const MS_PER_UNIT = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
export type DurationUnit = keyof typeof MS_PER_UNIT;

const UNIT_ORDER: DurationUnit[] = ['d', 'h', 'm', 's', 'ms'];
const PART = /(\d+)(ms|d|h|m|s)/y;

/** What a duration must look like, for `expected:` lines of error messages. */
export const DURATION_EXPECTED = 'a duration such as 90s, 30m, 2h, 1h30m or 1d (integer parts in d, h, m, s, ms; largest unit first)';

/** The result of parsing: milliseconds, or a sentence saying what is wrong with the text. */
export type DurationParse = { ok: true; ms: number } | { ok: false; problem: string };

/** Parses `text` into milliseconds without throwing; callers turn `problem` into a located error. */
export function parseDuration(text: string): DurationParse {
  if (typeof text !== 'string') return { ok: false, problem: `not a string (${typeof text})` };
  const s = text.trim();
  if (s === '') return { ok: false, problem: 'an empty duration' };
  if (/^\d+(\.\d+)?$/.test(s)) return { ok: false, problem: `a bare number \`${s}\` has no unit (write ${s}s or ${s}m)` };
  let ms = 0;
  let at = 0;
  let lastUnit = -1;
  while (at < s.length) {
    PART.lastIndex = at;
    const m = PART.exec(s);
    if (!m) return { ok: false, problem: `unexpected \`${s.slice(at)}\` in \`${s}\`` };
    const unit = m[2] as DurationUnit;
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastUnit) return { ok: false, problem: `unit \`${unit}\` ${rank === lastUnit ? 'repeated' : 'out of order'} in \`${s}\`` };
    lastUnit = rank;
    ms += Number(m[1]) * MS_PER_UNIT[unit];
    at = PART.lastIndex;
  }
  if (!Number.isSafeInteger(ms)) return { ok: false, problem: `\`${s}\` is too long a duration` };
  if (ms === 0) return { ok: false, problem: `\`${s}\` is zero` };
  return { ok: true, ms };
}

/** Milliseconds of `text`, or an Error whose message says what was expected and found. */
export function durationMs(text: string): number {
  const r = parseDuration(text);
  if (!r.ok) throw new Error(`invalid duration: ${r.problem}; expected ${DURATION_EXPECTED}`);
  return r.ms;
}

/** The shortest text of the grammar above for `ms` (`5400000` -> `1h30m`), for messages. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const u of UNIT_ORDER) {
    const n = Math.floor(rest / MS_PER_UNIT[u]);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * MS_PER_UNIT[u];
    }
  }
  return out;
}
