import type { Counts } from './counts';

/** Number formats shared by the bench reports; `–` for a missing value. */
export const fmtRate = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';

export const fmtMs = (value: number): string =>
  Number.isFinite(value) ? `${value.toFixed(1)} ms` : '–';

export const fmtLoss = (value: number): string =>
  value > 0 ? ` (loss ${(value * 100).toFixed(1)} %)` : '';

export const fmtRatio = (value: number): string =>
  Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';

export const fmtMiB = (bytes: number): string =>
  Number.isFinite(bytes) ? `${(bytes / 1_048_576).toFixed(0)} MiB` : '–';

export const fmtKiB = (bytes: number): string =>
  Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : '–';

/** Error replies by kind: `room_overloaded ×1,204, rate_limited ×3`, '' for none. */
export const fmtErrors = (errors: Readonly<Counts>): string =>
  Object.entries(errors)
    .map(([kind, count]) => `${kind} ×${fmtRate(count)}`)
    .join(', ');
