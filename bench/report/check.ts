import { fmtRatio } from '../common/format';

/** One benchmark goal, measured. */
export interface Check {
  goal: string;
  scenario: string;
  measured: string;
  /** Undefined when a figure it needs is missing. */
  met?: boolean;
  /** How far from the goal, when missed. */
  gap?: string;
}

/** A goal that a ratio reach at least `needed`. */
export function ratioCheck(
  goal: string,
  scenario: string,
  got: number,
  needed: number,
): Check {
  const met = Number.isFinite(got) ? got >= needed : undefined;
  return {
    goal,
    scenario,
    measured: fmtRatio(got),
    met,
    gap:
      met === false
        ? `${((1 - got / needed) * 100).toFixed(0)} % short of ${needed}×`
        : undefined,
  };
}

/** A goal that a figure stay at or under `limit` (`unit` '×' for a ratio, else appended to the number). */
export function ceilingCheck(
  goal: string,
  scenario: string,
  got: number,
  limit: number,
  unit: string,
): Check {
  const met = Number.isFinite(got) ? got <= limit : undefined;
  const shown = (value: number): string =>
    unit === '×' ? fmtRatio(value) : `${value.toFixed(1)} ${unit}`;
  return {
    goal,
    scenario,
    measured: Number.isFinite(got) ? shown(got) : '–',
    met,
    gap:
      met === false
        ? `${((got / limit - 1) * 100).toFixed(0)} % over ${shown(limit)}`
        : undefined,
  };
}
