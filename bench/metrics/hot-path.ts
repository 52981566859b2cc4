/**
 * What counting costs per call on the hot path (README: Operations):
 * `npx tsc -p bench/tsconfig.json && node dist-bench/bench/metrics/hot-path.js`.
 * A micro-benchmark, one core, no I/O: the figure to set against the
 * microseconds of CPU a delivery costs in `npm run bench`.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { createChannelLayer } from '../../src/channel-layer';
import { ChannelsMetrics } from '../../src/metrics/channels-metrics';
import { PrometheusChannelsMetrics } from '../../src/metrics/prometheus-channels-metrics';

const CALLS = 5_000_000;

/** Nanoseconds per call of `work`, best of five runs. */
function nsPerCall(work: () => void, calls = CALLS): number {
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    for (let call = 0; call < calls; call++) {
      work();
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / calls);
  }
  return best;
}

/** Nanoseconds per awaited call of `work`, best of five runs. */
async function nsPerAsyncCall(
  work: () => Promise<unknown>,
  calls = 200_000,
): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    for (let call = 0; call < calls; call++) {
      await work();
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / calls);
  }
  return best;
}

async function main(): Promise<void> {
  const on = new PrometheusChannelsMetrics();
  const off = new ChannelsMetrics();
  const registry = new Registry();
  const counter = new Counter({
    name: 'c',
    help: 'c',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const child = counter.labels({ outcome: 'accepted' });
  const histogram = new Histogram({
    name: 'h',
    help: 'h',
    labelNames: ['operation', 'backend'],
    registers: [registry],
  });
  const observe = histogram.labels({ operation: 'groupSend', backend: 'x' });
  const rows: Array<[string, number]> = [
    ['empty loop', nsPerCall(() => undefined)],
    ['off: deliveries.inc()', nsPerCall(() => off.deliveries.inc())],
    ['on: deliveries.inc()', nsPerCall(() => on.deliveries.inc())],
    ['on: frames.accepted.inc()', nsPerCall(() => on.frames.accepted.inc())],
    ['prom-client bound child inc()', nsPerCall(() => child.inc())],
    [
      'prom-client bound histogram observe()',
      nsPerCall(() => observe.observe(0.0003)),
    ],
  ];
  const plain = createChannelLayer({ backend: 'memory' });
  const measured = on.measureLayer(
    createChannelLayer({ backend: 'memory' }),
    'memory',
  );
  const message = { type: 'chat.message', message: 'hi' };
  rows.push(
    [
      'memory groupSend, no members',
      await nsPerAsyncCall(() => plain.groupSend('g', message)),
    ],
    [
      'measured memory groupSend, no members',
      await nsPerAsyncCall(() => measured.groupSend('g', message)),
    ],
  );
  for (const [name, ns] of rows) {
    process.stdout.write(
      `${name.padEnd(42)} ${ns.toFixed(1).padStart(8)} ns\n`,
    );
  }
  await Promise.all([plain.close(), measured.close()]);
  on.onModuleDestroy();
}

void main();
