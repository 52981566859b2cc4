import { createChannelLayer } from '../channel-layer';
import { PrometheusChannelsMetrics } from './prometheus-channels-metrics';

/** The value of one sample line of an exposition, e.g. `name{label="x"}`. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((text) => text.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length));
}

describe('PrometheusChannelsMetrics', () => {
  it("should count the layer's drops for its own channels by reason", async () => {
    let now = 0;
    const metrics = new PrometheusChannelsMetrics();
    const layer = createChannelLayer({
      backend: 'memory',
      capacity: 1,
      expiry: 10,
      now: () => now,
    });
    try {
      const channel = await layer.newChannel();
      await layer.groupAdd('room', channel);
      await layer.groupSend('room', { type: 'chat.message', n: 1 });
      await layer.groupSend('room', { type: 'chat.message', n: 2 });
      now += 11_000;
      const later = layer.receive(channel);
      await layer.send(channel, { type: 'chat.message', n: 3 });
      await expect(later).resolves.toEqual({ type: 'chat.message', n: 3 });

      const { body } = await metrics.exposition();
      expect(
        sample(body, 'channels_dropped_total{reason="channel_full"}'),
      ).toBe(1);
      expect(sample(body, 'channels_dropped_total{reason="expired"}')).toBe(1);
    } finally {
      await layer.close();
      metrics.onModuleDestroy();
    }
  });
});
