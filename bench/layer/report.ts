import { cpus, loadavg } from 'node:os';
import { median } from '../common/percentile';

/** One benchmark row: a layer flavour, a room size, receiver processes. */
export interface Case {
  flavour: 'core' | 'pubsub';
  members: number;
  processes: number;
}

/** What one implementation did in one phase of a case. */
export interface Outcome {
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  loss: number;
}

/** One run of each implementation; an Error where a run failed. */
export interface Pair {
  ours: Outcome | Error;
  theirs: Outcome | Error;
}

/** Both phases of a case for both implementations. */
export interface Row {
  case: Case;
  /** The full-speed repetitions, in the order they ran. */
  fullSpeed: Pair[];
  /** Absent when a full-speed run failed, so there is no common rate. */
  paced?: Pair & { rate: number };
}

/** The ratio nest-channels ÷ channels_redis of one pair, NaN when either failed. */
const ratioOf = ({ ours, theirs }: Pair): number =>
  ours instanceof Error || theirs instanceof Error
    ? Number.NaN
    : ours.deliveriesPerSecond / theirs.deliveriesPerSecond;

/**
 * The full-speed figures of a row: each side's median over the repetitions
 * (its worst loss; the first failure instead, if one failed), and the median of the
 * repetitions' own ratios (each run against the other side's run of the
 * same repetition, as `npm run bench` rates a peer).
 */
export function fullSpeedOf(row: Row): Pair & { ratios: number[] } {
  const side = (pick: (pair: Pair) => Outcome | Error): Outcome | Error => {
    const outcomes = row.fullSpeed.map(pick);
    const failed = outcomes.find((outcome) => outcome instanceof Error);
    if (failed) {
      return failed;
    }
    const of = (key: keyof Outcome): number =>
      median(outcomes.map((outcome) => (outcome as Outcome)[key]));
    return {
      deliveriesPerSecond: of('deliveriesPerSecond'),
      p50: of('p50'),
      p99: of('p99'),
      // Any repetition's loss is the layer's: the worst one is shown.
      loss: Math.max(...outcomes.map((outcome) => (outcome as Outcome).loss)),
    };
  };
  return {
    ours: side((pair) => pair.ours),
    theirs: side((pair) => pair.theirs),
    ratios: row.fullSpeed.map(ratioOf),
  };
}

const rate = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
const ms = (value: number): string =>
  Number.isFinite(value) ? value.toFixed(1) : '–';
const loss = (value: number): string =>
  value > 0 ? ` (loss ${(value * 100).toFixed(1)} %)` : '';

const throughput = (outcome: Outcome | Error): string =>
  outcome instanceof Error
    ? `failed: ${outcome.message.replaceAll('|', '/')}`
    : rate(outcome.deliveriesPerSecond) + loss(outcome.loss);

const latency = (outcome: Outcome | Error | undefined): string =>
  outcome === undefined
    ? '–'
    : outcome instanceof Error
      ? `failed: ${outcome.message.replaceAll('|', '/')}`
      : `${ms(outcome.p50)} / ${ms(outcome.p99)} ms${loss(outcome.loss)}`;

const p99 = (outcome: Outcome | Error): string =>
  outcome instanceof Error ? '–' : ms(outcome.p99);

/** The markdown table row of `row`. */
export function formatRow(row: Row): string {
  const { ours, theirs, ratios } = fullSpeedOf(row);
  const times = (value: number): string =>
    Number.isNaN(value) ? '–' : `${value.toFixed(1)}×`;
  const cells = [
    row.case.flavour,
    String(row.case.members),
    String(row.case.processes),
    throughput(ours),
    throughput(theirs),
    // A failed repetition has no ratio, and leaves the row's without one.
    times(ratios.some(Number.isNaN) ? Number.NaN : median(ratios)),
    ratios.map(times).join(', '),
    row.paced ? rate(row.paced.rate) : '–',
    latency(row.paced?.ours),
    latency(row.paced?.theirs),
    `${p99(ours)} / ${p99(theirs)} ms`,
  ];
  return `| ${cells.join(' | ')} |`;
}

const loadNow = (): string =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(', ');

/** Load averages at the start, to set against those at the end. */
export const LOAD_AT_START = loadNow();

/** The whole report, with the method it was measured by. */
export function formatReport(
  rows: Row[],
  options: { quick: boolean; window: number; reps: number; seconds: number },
): string {
  const cpu = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`;
  return [
    `# Channel layer benchmark${options.quick ? ' (quick)' : ''}`,
    '',
    'Group send → receive through one local redis-server; this project against channels_redis 4.0',
    "(Debian's python3-channels-redis), the same peers' work for both. Receivers take each message the way each",
    "project's consumers do: here pushed by `listen` (the consumer runtime's way), in channels_redis by a `receive()`",
    'loop per channel (what a Channels consumer runs). Each case runs in two phases:',
    '',
    `- **Full speed**, ${options.reps === 1 ? '1 repetition' : `${options.reps} interleaved repetitions`} (nest-channels then channels_redis, the order reversed`,
    '  every other repetition, each on fresh peer processes and a flushed Redis); a figure is the median of the',
    "  repetitions, and the ratio the median of the repetitions' own ratios (each listed after it). One sender",
    `  process keeps ${options.window} group sends in flight, after a quarter as many`,
    '  unmeasured warm-up group sends (the same for both: steady state, not JIT compilation). This project sends ten',
    "  times as many as channels_redis (at most 4 million deliveries), so that each side's run lasts seconds. Deliveries/s counts every",
    "  member's receive (messages/s × members, so the ratio is the messages/s ratio too). The sender does not wait",
    "  for receivers, so the latency here is mostly the backlog's age (channels_redis's core layer lets it grow",
    '  to seconds); it is kept only as the last column.',
    "- **Paced**, once: both implementations get the same offered load, half of the slower one's median full-speed rate,",
    '  sent on a fixed schedule after a paced warm-up of a quarter as many; p50 / p99 there compare latencies',
    '  fairly, neither side being saturated.',
    '',
    `${cpu}, Node ${process.version}, ${options.seconds} s. Load average (1, 5, 15 min) ${LOAD_AT_START} at the start,`,
    `${loadNow()} at the end: other work shared the machine, so absolute numbers are noisy; compare within a row.`,
    '',
    '| layer | members | processes | nest-channels deliveries/s | channels_redis deliveries/s | ratio | each repetition | paced group sends/s | nest-channels paced p50 / p99 | channels_redis paced p50 / p99 | full-speed p99 (nest / channels_redis) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(formatRow),
    '',
  ].join('\n');
}
