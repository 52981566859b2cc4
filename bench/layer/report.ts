import { cpus, loadavg } from 'node:os';

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

/** Both phases of a case for both implementations; an Error where a run failed. */
export interface Row {
  case: Case;
  fullSpeed: { ours: Outcome | Error; theirs: Outcome | Error };
  /** Absent when a full-speed run failed, so there is no common rate. */
  paced?: {
    rate: number;
    ours: Outcome | Error;
    theirs: Outcome | Error;
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
  const { ours, theirs } = row.fullSpeed;
  const ratio =
    ours instanceof Error || theirs instanceof Error
      ? '–'
      : `${(ours.deliveriesPerSecond / theirs.deliveriesPerSecond).toFixed(1)}×`;
  const cells = [
    row.case.flavour,
    String(row.case.members),
    String(row.case.processes),
    throughput(ours),
    throughput(theirs),
    ratio,
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
  options: { quick: boolean; window: number; seconds: number },
): string {
  const cpu = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`;
  return [
    `# Channel layer benchmark${options.quick ? ' (quick)' : ''}`,
    '',
    'Group send → receive through one local redis-server; this project against channels_redis 4.0',
    "(Debian's python3-channels-redis), the same peers' work for both. Receivers take each message the way each",
    "project's consumers do: here pushed by `listen` (the consumer runtime's way), in channels_redis by a `receive()`",
    'loop per channel (what a Channels consumer runs). Each case runs twice per implementation:',
    '',
    `- **Full speed**: one sender process keeps ${options.window} group sends in flight, after a quarter as many`,
    '  unmeasured warm-up group sends (the same for both: steady state, not JIT compilation). This project sends ten',
    "  times as many as channels_redis (at most 4 million deliveries), so that each side's run lasts seconds. Deliveries/s counts every",
    "  member's receive (messages/s × members, so the ratio is the messages/s ratio too). The sender does not wait",
    "  for receivers, so the latency here is mostly the backlog's age (channels_redis's core layer lets it grow",
    '  to seconds); it is kept only as the last column.',
    "- **Paced**: both implementations get the same offered load, half of the slower one's full-speed rate,",
    '  sent on a fixed schedule after a paced warm-up of a quarter as many; p50 / p99 there compare latencies',
    '  fairly, neither side being saturated.',
    '',
    `${cpu}, Node ${process.version}, ${options.seconds} s. Load average (1, 5, 15 min) ${LOAD_AT_START} at the start,`,
    `${loadNow()} at the end: other work shared the machine, so absolute numbers are noisy; compare within a row.`,
    '',
    '| layer | members | processes | nest-channels deliveries/s | channels_redis deliveries/s | ratio | paced group sends/s | nest-channels paced p50 / p99 | channels_redis paced p50 / p99 | full-speed p99 (nest / channels_redis) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(formatRow),
    '',
  ].join('\n');
}
