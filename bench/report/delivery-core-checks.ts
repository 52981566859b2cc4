import { fmtKiB } from '../common/format';
import { FIXED_SCENARIOS } from '../fixed-run';
import { S3_LEVELS } from '../scenarios/idle.scenario';
import type { IdleFigures } from '../scenarios/scenario-result';
import type { TargetResult } from '../target-run';
import { ceilingCheck, ratioCheck, type Check } from './check';
import { RAW_WS, SOCKETIO_REDIS } from '../targets/peers';
import {
  cpuPerDelivery,
  fixedOf,
  idleOf,
  pairedRatio,
  ratio,
  throughputOf,
} from './lookup';

/** Issue 12's bars: the memory layer near raw `ws`, redis-pubsub at or under Socket.IO. */
const MEMORY_CPU_VS_RAW = 1.15;
const MEMORY_P99_VS_RAW = 1.5;
const PUBSUB_CPU_VS_SOCKETIO = 1;
const MEMORY_RATE_VS_RAW = 0.95;
const PUBSUB_RATE_VS_SOCKETIO = 1.2;
const REDIS_S1_US_PER_DELIVERY = 8;
const MEMORY_IDLE_OVER_RAW_BYTES = 1536;

/** At the fixed loads: CPU per delivery and p99 against the peers, each a median of paired repetitions. */
function fixedChecks(results: readonly TargetResult[]): Check[] {
  return FIXED_SCENARIOS.flatMap((scenario) => {
    const label = `${scenario.shape.id} fixed`;
    const of = (name: string) => fixedOf(results, name, scenario.key);
    return [
      ceilingCheck(
        `nest memory CPU / delivery ≤ ${MEMORY_CPU_VS_RAW}× raw ws`,
        label,
        pairedRatio(of('nest memory'), of(RAW_WS), cpuPerDelivery),
        MEMORY_CPU_VS_RAW,
        '×',
      ),
      ceilingCheck(
        `nest memory p99 ≤ ${MEMORY_P99_VS_RAW}× raw ws`,
        label,
        pairedRatio(of('nest memory'), of(RAW_WS), (run) => run.p99),
        MEMORY_P99_VS_RAW,
        '×',
      ),
      ceilingCheck(
        `nest redis-pubsub CPU (+ Redis) / delivery ≤ ${PUBSUB_CPU_VS_SOCKETIO}× socket.io redis`,
        label,
        pairedRatio(
          of('nest redis-pubsub'),
          of(SOCKETIO_REDIS),
          cpuPerDelivery,
        ),
        PUBSUB_CPU_VS_SOCKETIO,
        '×',
      ),
    ];
  });
}

/** At saturation: delivered messages/s against the peers, and redis's cost at S1. */
function saturationChecks(results: readonly TargetResult[]): Check[] {
  const checks = (['s1', 's2'] as const).flatMap((s) => {
    const delivered = (name: string) =>
      throughputOf(results, name, s)?.deliveredPerS;
    return [
      ratioCheck(
        `nest memory ≥ ${MEMORY_RATE_VS_RAW}× raw ws`,
        s.toUpperCase(),
        ratio(delivered('nest memory'), delivered('raw ws')),
        MEMORY_RATE_VS_RAW,
      ),
      ratioCheck(
        `nest redis-pubsub ≥ ${PUBSUB_RATE_VS_SOCKETIO}× socket.io redis`,
        s.toUpperCase(),
        ratio(delivered('nest redis-pubsub'), delivered('socket.io redis')),
        PUBSUB_RATE_VS_SOCKETIO,
      ),
    ];
  });
  checks.push(
    ceilingCheck(
      `nest redis server CPU ≤ ${REDIS_S1_US_PER_DELIVERY} µs / delivery at saturation`,
      'S1',
      throughputOf(results, 'nest redis', 's1')?.cpuUsPerDelivery ?? Number.NaN,
      REDIS_S1_US_PER_DELIVERY,
      'µs',
    ),
  );
  return checks;
}

/**
 * Idle memory per connection against raw `ws`'s, both ways S3 measures it:
 * RSS, and the heap each connection keeps (after a full GC).
 */
function idleChecks(results: readonly TargetResult[]): Check[] {
  const measures = [
    ['RSS', (figures?: IdleFigures) => figures?.bytesPerConnection],
    [
      'heap after GC',
      (figures?: IdleFigures) => figures?.heapBytesPerConnection,
    ],
  ] as const;
  return S3_LEVELS.flatMap((level) =>
    measures.map(([measure, of]) => {
      const ours = of(idleOf(results, 'nest memory', level));
      const raw = of(idleOf(results, 'raw ws', level));
      const over =
        ours === undefined || raw === undefined ? Number.NaN : ours - raw;
      const check = ceilingCheck(
        `nest memory ≤ raw ws + ${fmtKiB(MEMORY_IDLE_OVER_RAW_BYTES)} per connection (${measure})`,
        `S3 @ ${level}`,
        over / 1024,
        MEMORY_IDLE_OVER_RAW_BYTES / 1024,
        'KiB',
      );
      return { ...check, measured: `+${check.measured} over raw ws` };
    }),
  );
}

/** Issue 12's goals (one delivery core, at raw `ws` cost per delivery), measured. */
export function deliveryCoreChecks(results: readonly TargetResult[]): Check[] {
  return [
    ...fixedChecks(results),
    ...saturationChecks(results),
    ...idleChecks(results),
  ];
}
