import { Registry } from 'prom-client';
import { HotHistogram } from './hot-histogram';

describe('HotHistogram', () => {
  it("should export cumulative buckets, sum and count in prom-client's text format", async () => {
    const registry = new Registry();
    const histogram = new HotHistogram({
      name: 'op_seconds',
      help: 'Operations.',
      labelNames: ['operation'],
      buckets: [0.1, 1],
      registers: [registry],
    });
    const send = histogram.series({ operation: 'send' });
    histogram.series({ operation: 'ping' });
    for (const seconds of [0.05, 0.1, 0.5, 2]) {
      send.observe(seconds);
    }
    expect((await registry.metrics()).trim().split('\n')).toEqual([
      '# HELP op_seconds Operations.',
      '# TYPE op_seconds histogram',
      'op_seconds_bucket{operation="send",le="0.1"} 2',
      'op_seconds_bucket{operation="send",le="1"} 3',
      'op_seconds_bucket{operation="send",le="+Inf"} 4',
      'op_seconds_sum{operation="send"} 2.65',
      'op_seconds_count{operation="send"} 4',
      'op_seconds_bucket{operation="ping",le="0.1"} 0',
      'op_seconds_bucket{operation="ping",le="1"} 0',
      'op_seconds_bucket{operation="ping",le="+Inf"} 0',
      'op_seconds_sum{operation="ping"} 0',
      'op_seconds_count{operation="ping"} 0',
    ]);
  });
});
