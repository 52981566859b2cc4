import { Logger } from '@nestjs/common';
import { setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { createChannelLayer } from '../../src/channel-layer/channel-layer.providers';
import type {
  ChannelLayerOptions,
  ChannelMessage,
} from '../../src/channel-layer';

/**
 * This project's side of `npm run bench:layer`, the same roles as
 * bench/layer/peer.py: a receiver of `count` messages on each of `channels`
 * channels in the group (pushed by `listen`, as the consumer runtime takes
 * them), or a sender of `count` group messages.
 */
interface PeerConfig {
  role: 'receiver' | 'sender';
  layer: 'redis' | 'redis-pubsub';
  hosts: string[];
  group: string;
  channels: number;
  count: number;
  window: number;
  capacity: number;
  /** Group sends per second, paced; absent: as fast as the window allows. */
  rate?: number;
  /** Unmeasured group sends before the measured ones (JIT, connection pools). */
  warmup?: number;
}

/** Read once: its getter calls into Node's C++ each time (~20 ns, per delivery here). */
const TIME_ORIGIN = performance.timeOrigin;
const now = (): number => TIME_ORIGIN + performance.now();

/** Writes one JSON line; resolves once it is flushed (a pipe is asynchronous). */
function out(payload: object): Promise<void> {
  return new Promise((resolve) =>
    process.stdout.write(`${JSON.stringify(payload)}\n`, () => resolve()),
  );
}

function options(config: PeerConfig): ChannelLayerOptions {
  return config.layer === 'redis'
    ? { backend: 'redis', hosts: config.hosts, capacity: config.capacity }
    : { backend: 'redis-pubsub', hosts: config.hosts };
}

async function main(): Promise<void> {
  // stdout is the JSON-lines protocol: the layer's warnings must not land there.
  Logger.overrideLogger(['error']);
  const config = JSON.parse(process.argv[2]) as PeerConfig;
  const layer = createChannelLayer(options(config));
  const lines = createInterface({ input: process.stdin })[
    Symbol.asyncIterator
  ]();

  if (config.role === 'sender') {
    await out({ ready: true });
    await lines.next();
    const warmup = config.warmup ?? 0;
    const go = now();
    let start = go;
    let next = 0;
    await Promise.all(
      Array.from({ length: config.window }, async () => {
        while (next < warmup + config.count) {
          const seq = next++;
          if (seq === warmup) {
            start = now(); // the measured sends start here
          }
          // Paced: message `seq` is due at go + seq / rate, not earlier.
          const wait = config.rate
            ? go + (seq * 1000) / config.rate - now()
            : 0;
          if (wait > 0) {
            await sleep(wait);
          }
          await layer.groupSend(config.group, {
            type: 'bench.message',
            seq,
            t: now(),
            ...(seq < warmup && { warmup: true }),
          });
        }
      }),
    );
    await out({ sent: config.count, start, end: now() });
  } else {
    const expected = config.count * config.channels;
    const latencies: number[] = [];
    let last = 0;
    let finish = (): void => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    // Push delivery, as the consumer runtime takes messages: one listener
    // for every channel, no promise per delivery.
    const listener = (message: ChannelMessage): void => {
      if (message.warmup) {
        return;
      }
      last = now();
      latencies.push(last - (message.t as number));
      if (latencies.length === expected) {
        finish();
      }
    };
    const listening = new AbortController();
    setMaxListeners(config.channels, listening.signal); // one per listen
    for (let i = 0; i < config.channels; i++) {
      const channel = await layer.newChannel();
      await layer.groupAdd(config.group, channel);
      await layer.listen(channel, listener, { signal: listening.signal });
    }
    await out({ ready: true });
    await Promise.race([finished, lines.next()]);
    await out({ received: latencies.length, latencies, last });
    listening.abort();
  }
  await layer.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  // Said on stderr, which the runner quotes when this peer ends early.
  console.error(error);
  process.exit(1);
});
