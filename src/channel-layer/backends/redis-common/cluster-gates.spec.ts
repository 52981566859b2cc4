import type { Logger } from '@nestjs/common';
import type { Cluster } from 'ioredis';
import { EventEmitter } from 'node:events';
import { ChannelLayerUnavailableError } from '../../errors';
import { ClusterGates, cutHungNode } from './cluster-gates';
import { DEFAULT_COMMAND_LIMITS } from './command-gate';
import type { RedisConnection } from './redis-connection';

/** A stand-in Cluster client: its slot table, and the `refresh` a reread emits. */
function clusterOf(masters: string[]): Cluster & EventEmitter {
  return Object.assign(new EventEmitter(), {
    slots: Array.from({ length: 16_384 }, (_, slot) => [
      masters[slot % masters.length],
    ]),
    nodes: () => [],
  }) as unknown as Cluster & EventEmitter;
}

/** Gates over a stand-in connection to `cluster`, ready when `ready` resolves. */
function gatesOver(
  cluster: Cluster,
  ready: Promise<void> = Promise.resolve(),
): ClusterGates {
  const connection = {
    name: 'test',
    client: cluster,
    whenReady: () => ready,
    unavailable: (cause: unknown) =>
      new ChannelLayerUnavailableError('redis', cause),
  } as unknown as RedisConnection<Cluster>;
  return new ClusterGates(connection, {
    warn: jest.fn(),
  } as unknown as Logger);
}

describe('ClusterGates', () => {
  it('should keep the gate of a master it no longer names while a command waits for the connection', async () => {
    const cluster = clusterOf(['a:1']);
    let connect = (): void => undefined;
    const gates = gatesOver(
      cluster,
      new Promise<void>((resolve) => (connect = resolve)),
    );
    const a = gates.of('a:1');
    const waiting = a.run(async () => 'a');
    cluster.slots = clusterOf(['c:3']).slots;
    cluster.emit('refresh');
    expect(gates.of('a:1')).toBe(a);
    connect();
    await expect(waiting).resolves.toBe('a');
    gates.stop();
  });

  it('should forget, at a reread of the slot table, the gate of a master it no longer names once nothing is in flight there', async () => {
    const cluster = clusterOf(['a:1', 'b:2']);
    let answer = (): void => undefined;
    const gates = gatesOver(cluster);
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

  // A command that a redirection sent to the node got no reply in time.
  it('should cut a hung node through the gates that watch it, whose callers then hear at their deadlines', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const cluster = clusterOf(['b:2']);
      const gates = gatesOver(cluster);
      let fail = (error: Error): void => void error;
      let outcome: unknown;
      gates
        .of('b:2')
        .run(() => new Promise<string>((_, reject) => (fail = reject)))
        .catch((error: unknown) => (outcome = error));
      await jest.advanceTimersByTimeAsync(0);
      cutHungNode(cluster, 'b:2');
      fail(new Error('Connection is closed.')); // what the cut does to it
      await jest.advanceTimersByTimeAsync(DEFAULT_COMMAND_LIMITS.timeoutMs - 1);
      expect(outcome).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(outcome).toBeInstanceOf(ChannelLayerUnavailableError);
      gates.stop();
    } finally {
      jest.useRealTimers();
    }
  });
});
