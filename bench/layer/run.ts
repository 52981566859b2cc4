import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisServer } from '../../test/helpers/redis-server';
import { countOf, valueOf } from '../common/args';
import { installCleanup, killAllChildren } from '../common/children';
import { percentile } from '../common/percentile';
import { PeerProcess, type Impl } from './peer-process';
import {
  formatReport,
  formatRow,
  fullSpeedOf,
  type Case,
  type Outcome,
  type Pair,
  type Row,
} from './report';

/**
 * `npm run bench:layer`: group send → receive through one Redis, this
 * project's layer against channels_redis 4.0 (Debian's python3-channels-redis),
 * the same work for both: one sender process, members spread over receiver
 * processes; first at full speed, then both paced at one common rate.
 * `--quick` for a short run, `--only=core|pubsub` for one flavour (a partial
 * run writes bench/results/layer-partial.md, not layer-latest.md),
 * `--reps=N` full-speed repetitions (default 3; quick: 1).
 */

const ROOT = join(__dirname, '..', '..', '..');
const quick = process.argv.includes('--quick');
const only = valueOf(process.argv, 'only');
const REPS = countOf(process.argv, 'reps', quick ? 1 : 3, 'bench:layer');
/**
 * Deliveries channels_redis's full-speed run aims at, and its most group
 * sends, per flavour: as long as channels_redis takes a few seconds at most
 * (its core layer does about 1,000 deliveries/s to a lone member), so that
 * fixed costs (start, the last message's way) weigh little.
 */
const FULL_SPEED = {
  core: { deliveries: quick ? 20_000 : 100_000, maxSends: 10_000 },
  pubsub: {
    deliveries: quick ? 200_000 : 1_000_000,
    maxSends: quick ? 10_000 : 50_000,
  },
} as const;
/**
 * nest-channels' full-speed runs carry this many times as much, so that they
 * last seconds too: the same work would take it a fraction of a second,
 * which its start and last message's way would weigh on.
 */
const NEST_SCALE = 10;
/** Deliveries of one run at most: each receiver keeps and reports every latency. */
const MAX_DELIVERIES = 4_000_000;
const RUN_TIMEOUT_MS = quick ? 15_000 : 60_000;
/** How long the paced phase sends for. */
const PACED_SECONDS = quick ? 2 : 5;
const CAPACITY = 100_000;
/** Group sends in flight at once, as from many connections of a busy server. */
const WINDOW = 16;

/** The group sends of one run. */
interface Run {
  count: number;
  rate?: number;
  warmup?: number;
}

/** What a receiver reports: its latencies, and when its last message came (Unix ms). */
interface Receipt {
  received: number;
  latencies: number[];
  last: number;
}

/**
 * One run: `warmup` unmeasured group sends, then `count` measured ones, at
 * `rate` per second if set, else at full speed.
 */
async function runOnce(
  impl: Impl,
  { flavour, members, processes }: Case,
  hosts: string[],
  { count, rate, warmup }: Run,
): Promise<Outcome> {
  const group = `bench_${flavour}_${members}_${processes}`;
  const layer =
    impl === 'nest-channels'
      ? flavour === 'core'
        ? 'redis'
        : 'redis-pubsub'
      : flavour;
  const common = {
    layer,
    hosts,
    group,
    count,
    warmup,
    window: WINDOW,
    capacity: CAPACITY,
    rate,
  };
  const receivers = Array.from({ length: processes }, (_, index) =>
    PeerProcess.start(impl, {
      ...common,
      role: 'receiver',
      channels:
        Math.floor(members / processes) + (index < members % processes ? 1 : 0),
    }),
  );
  const sender = PeerProcess.start(impl, {
    ...common,
    role: 'sender',
    channels: 0,
  });
  const peers = [...receivers, sender];
  let sent: { start: number };
  let results: Receipt[];
  try {
    await Promise.all(peers.map((peer) => peer.next()));
    const timer = setTimeout(() => {
      for (const receiver of receivers) {
        receiver.tell('stop');
      }
    }, RUN_TIMEOUT_MS);
    sender.tell('go');
    [sent, ...results] = await Promise.all([
      sender.next<{ start: number; end: number }>(),
      ...receivers.map((receiver) => receiver.next<Receipt>()),
    ]);
    clearTimeout(timer);
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()));
  }
  const latencies = results
    .flatMap((result) => result.latencies)
    .sort((a, b) => a - b);
  const expected = count * members;
  // When the last message came, as the receivers saw it: the time they then
  // take to report their latencies is not the layer's.
  const lastReceive = Math.max(...results.map((result) => result.last));
  return {
    deliveriesPerSecond:
      latencies.length === 0
        ? 0
        : latencies.length / ((lastReceive - sent.start) / 1000),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    loss: (expected - latencies.length) / expected,
  };
}

function cases(): Case[] {
  const list: Case[] = [];
  for (const flavour of ['core', 'pubsub'] as const) {
    if (only !== undefined && only !== flavour) {
      continue;
    }
    for (const members of [1, 10, 100, 1_000]) {
      for (const processes of members === 1 ? [1] : [1, 4]) {
        list.push({ flavour, members, processes });
      }
    }
  }
  return list;
}

/**
 * Both implementations, one after the other (channels_redis first when
 * `reversed`), each on a flushed Redis; `run` says each one's group sends.
 */
async function runBoth(
  admin: Redis,
  benchCase: Case,
  hosts: string[],
  run: (impl: Impl) => Run,
  reversed = false,
): Promise<Pair> {
  const order: Impl[] = ['nest-channels', 'channels_redis'];
  const outcomes = new Map<Impl, Outcome | Error>();
  for (const impl of reversed ? order.reverse() : order) {
    await admin.flushall();
    outcomes.set(
      impl,
      await runOnce(impl, benchCase, hosts, run(impl)).catch(
        (error: unknown) =>
          error instanceof Error ? error : new Error(String(error)),
      ),
    );
  }
  return {
    ours: outcomes.get('nest-channels') as Outcome | Error,
    theirs: outcomes.get('channels_redis') as Outcome | Error,
  };
}

async function runCase(
  admin: Redis,
  benchCase: Case,
  hosts: string[],
): Promise<Row> {
  const { members } = benchCase;
  const { deliveries, maxSends } = FULL_SPEED[benchCase.flavour];
  // Warmed up first: steady state, not how fast V8 compiles (Python has no JIT).
  const fullSpeedRun = (impl: Impl): Run => {
    const scale = impl === 'nest-channels' ? NEST_SCALE : 1;
    const count = Math.max(
      20,
      Math.min(
        maxSends * scale,
        Math.ceil((deliveries * scale) / members),
        Math.floor(MAX_DELIVERIES / members),
      ),
    );
    return { count, warmup: Math.ceil(count / 4) };
  };
  const row: Row = { case: benchCase, fullSpeed: [] };
  for (let rep = 0; rep < REPS; rep++) {
    row.fullSpeed.push(
      await runBoth(admin, benchCase, hosts, fullSpeedRun, rep % 2 === 1),
    );
  }
  const { ours, theirs } = fullSpeedOf(row);
  if (ours instanceof Error || theirs instanceof Error) {
    return row;
  }
  const slower = Math.min(ours.deliveriesPerSecond, theirs.deliveriesPerSecond);
  const rate = Math.max(1, Math.floor(slower / 2 / members));
  const pacedCount = Math.max(20, Math.round(rate * PACED_SECONDS));
  const paced = await runBoth(admin, benchCase, hosts, () => ({
    count: pacedCount,
    rate,
    warmup: Math.ceil(pacedCount / 4),
  }));
  return { ...row, paced: { rate, ...paced } };
}

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const admin = new Redis(redis.url, { protocol: 2 });
  const stop = async (): Promise<void> => {
    killAllChildren();
    admin.disconnect();
    await redis.dispose();
  };
  installCleanup(stop);
  const rows: Row[] = [];
  const all = cases();
  const started = Date.now();
  try {
    for (const [index, benchCase] of all.entries()) {
      const row = await runCase(admin, benchCase, [redis.url]);
      rows.push(row);
      console.log(`[${index + 1}/${all.length}] ${formatRow(row)}`);
    }
  } finally {
    await stop();
  }
  const report = formatReport(rows, {
    quick,
    window: WINDOW,
    reps: REPS,
    seconds: Math.round((Date.now() - started) / 1000),
  });
  const dir = join(ROOT, 'bench', 'results');
  const file = only === undefined ? 'layer-latest.md' : 'layer-partial.md';
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), report);
  console.log(`\n${report}\nWritten to bench/results/${file}`);
}

void main();
