import type { Logger } from '@nestjs/common';
import type { Cluster } from 'ioredis';
import { EventEmitter } from 'node:events';
import { ChannelLayerUnavailableError } from '../../errors';
import { ClusterGates } from './cluster-gates';
import type { RedisConnection } from './redis-connection';

/** A stand-in Cluster client: its slot table, and the `refresh` a reread emits. */
function clusterOf(masters: string[]): Cluster & EventEmitter {
  return Object.assign(new EventEmitter(), {
    slots: Array.from({ length: 16_384 }, (_, slot) => [
      masters[slot % masters.length],
    ]),
  }) as unknown as Cluster & EventEmitter;
}

describe('ClusterGates', () => {
  it('should forget, at a reread of the slot table, the gate of a master it no longer names once nothing is in flight there', async () => {
    const cluster = clusterOf(['a:1', 'b:2']);
    let answer = (): void => undefined;
    const connection = {
      name: 'test',
      client: cluster,
      whenReady: () => Promise.resolve(),
      unavailable: (cause: unknown) =>
        new ChannelLayerUnavailableError('redis', cause),
    } as unknown as RedisConnection<Cluster>;
    const gates = new ClusterGates(connection, {
      warn: jest.fn(),
    } as unknown as Logger);
    const [a, b] = [gates.of('a:1'), gates.of('b:2')];
    const inFlight = b.run(
      () => new Promise<string>((resolve) => (answer = () => resolve('b'))),
    );
    await Promise.resolve();

    // b:2 failed over to c:3; a command is still in flight on b:2.
    cluster.slots = clusterOf(['a:1', 'c:3']).slots;
    cluster.emit('refresh');
    expect(gates.of('a:1')).toBe(a);
    expect(gates.of('b:2')).toBe(b);

    answer();
    await expect(inFlight).resolves.toBe('b');
    cluster.emit('refresh');
    expect(gates.of('a:1')).toBe(a);
    expect(gates.of('b:2')).not.toBe(b);
    gates.stop();
  });
});
