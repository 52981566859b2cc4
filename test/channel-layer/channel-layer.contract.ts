import {
  ChannelFullError,
  type ChannelLayer,
  InvalidChannelNameError,
  InvalidGroupNameError,
  InvalidMessageError,
  type CommonChannelLayerOptions,
} from '../../src/channel-layer';

/** Where a backend's semantics differ from the `ChannelLayer` contract, said explicitly. */
export interface ContractDifferences {
  /** The backend keeps no capacity (Redis pub/sub): sends never fail as full. */
  noCapacity?: boolean;
  /** A message sent before anyone receives on the channel is dropped (Redis pub/sub). */
  dropsUnreceived?: boolean;
}

type CreateLayer = (
  options?: CommonChannelLayerOptions,
) => Promise<ChannelLayer>;

/**
 * The behaviour of the `ChannelLayer` contract, written once and run against every backend
 * (socket.io's `testSuite(createAdapter)`, Phoenix's shared adapter suite).
 */
export function describeChannelLayerContract(
  name: string,
  createLayer: CreateLayer,
  differences: ContractDifferences = {},
): void {
  describe(`ChannelLayer contract: ${name}`, () => {
    let layer: ChannelLayer;
    const extraLayers: ChannelLayer[] = [];

    /** A second layer with other options, closed after the test. */
    async function layerWith(
      options: CommonChannelLayerOptions,
    ): Promise<ChannelLayer> {
      const extra = await createLayer(options);
      extraLayers.push(extra);
      return extra;
    }

    /** Sends after the receive is in place, for backends that drop unreceived messages. */
    async function sendAndReceive(
      on: ChannelLayer,
      channel: string,
      message: { type: string; [key: string]: unknown },
    ): Promise<unknown> {
      const received = on.receive(channel);
      await on.send(channel, message);
      return received;
    }

    beforeAll(async () => {
      layer = await createLayer();
    });

    afterEach(async () => {
      await layer.flush();
      await Promise.all(extraLayers.splice(0).map((extra) => extra.close()));
    });

    afterAll(async () => {
      await layer.close();
    });

    describe('newChannel', () => {
      it('should return unique process-local names in the form specific.<process>!<random>', async () => {
        const names = await Promise.all(
          Array.from({ length: 50 }, () => layer.newChannel()),
        );
        expect(new Set(names).size).toBe(50);
        for (const channel of names) {
          expect(channel).toMatch(/^specific\.[\w.-]+![\w.-]+$/);
        }
        expect(new Set(names.map((n) => n.split('!')[0])).size).toBe(1);
      });

      it('should honour a custom prefix', async () => {
        await expect(layer.newChannel('websocket')).resolves.toMatch(
          /^websocket\./,
        );
      });
    });

    describe('send and receive', () => {
      it('should deliver a message to a receive that is already waiting', async () => {
        const channel = await layer.newChannel();
        const received = layer.receive(channel);
        await layer.send(channel, {
          type: 'test.message',
          text: 'héllo 채팅',
          n: 42,
        });
        await expect(received).resolves.toEqual({
          type: 'test.message',
          text: 'héllo 채팅',
          n: 42,
        });
      });

      it('should keep messages in FIFO order per channel', async () => {
        const channel = await layer.newChannel();
        const received = Promise.all(
          [1, 2, 3].map(() => layer.receive(channel)),
        );
        for (const n of [1, 2, 3]) {
          await layer.send(channel, { type: 'seq', n });
        }
        await expect(received).resolves.toEqual(
          [1, 2, 3].map((n) => ({ type: 'seq', n })),
        );
      });

      it('should keep each channel of a process apart', async () => {
        const [a, b] = [await layer.newChannel(), await layer.newChannel()];
        const [fromA, fromB] = [layer.receive(a), layer.receive(b)];
        await layer.send(b, { type: 'to', who: 'b' });
        await layer.send(a, { type: 'to', who: 'a' });
        await expect(fromA).resolves.toEqual({ type: 'to', who: 'a' });
        await expect(fromB).resolves.toEqual({ type: 'to', who: 'b' });
      });

      it('should deliver to a named, non-process-local channel', async () => {
        await expect(
          sendAndReceive(layer, 'worker.tasks', { type: 'task' }),
        ).resolves.toEqual({
          type: 'task',
        });
      });

      if (!differences.dropsUnreceived) {
        it('should keep a message sent before anyone receives', async () => {
          const channel = await layer.newChannel();
          await layer.send(channel, { type: 'early' });
          await expect(layer.receive(channel)).resolves.toEqual({
            type: 'early',
          });
        });

        it('should drop every message on flush', async () => {
          const channel = await layer.newChannel();
          await layer.send(channel, { type: 'flushed' });
          await layer.flush();
          const received = layer.receive(channel);
          await layer.send(channel, { type: 'after' });
          await expect(received).resolves.toEqual({ type: 'after' });
        });
      }

      it('should refuse invalid channel names with InvalidChannelNameError', async () => {
        await expect(layer.send('bad name', { type: 'x' })).rejects.toThrow(
          InvalidChannelNameError,
        );
        await expect(layer.receive('x'.repeat(100))).rejects.toThrow(
          InvalidChannelNameError,
        );
      });

      it('should refuse a message without a string type with InvalidMessageError', async () => {
        const channel = await layer.newChannel();
        await expect(
          layer.send(channel, { kind: 'x' } as never),
        ).rejects.toThrow(InvalidMessageError);
      });
    });

    describe('receive cancellation', () => {
      it('should reject an aborted receive with the abort reason', async () => {
        const channel = await layer.newChannel();
        const controller = new AbortController();
        const received = layer.receive(channel, { signal: controller.signal });
        controller.abort();
        await expect(received).rejects.toMatchObject({ name: 'AbortError' });
      });

      it('should reject at once when the signal is already aborted', async () => {
        const channel = await layer.newChannel();
        await expect(
          layer.receive(channel, { signal: AbortSignal.abort() }),
        ).rejects.toMatchObject({
          name: 'AbortError',
        });
      });

      it('should give the next message to a live receiver, not to an aborted one', async () => {
        const channel = await layer.newChannel();
        const controller = new AbortController();
        const aborted = layer.receive(channel, { signal: controller.signal });
        const live = layer.receive(channel);
        controller.abort();
        await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
        await layer.send(channel, { type: 'kept' });
        await expect(live).resolves.toEqual({ type: 'kept' });
      });
    });

    describe('groups', () => {
      it('should deliver a group send to every member and to no one else', async () => {
        const members = await Promise.all(
          [1, 2, 3].map(() => layer.newChannel()),
        );
        const outsider = await layer.newChannel();
        await Promise.all(
          members.map((channel) => layer.groupAdd('room_a', channel)),
        );
        await layer.groupAdd('room_b', outsider);
        const received = Promise.all(
          members.map((channel) => layer.receive(channel)),
        );
        const controller = new AbortController();
        const outsiderReceived = layer.receive(outsider, {
          signal: controller.signal,
        });
        await layer.groupSend('room_a', {
          type: 'chat.message',
          message: 'hi',
        });
        await expect(received).resolves.toEqual(
          members.map(() => ({ type: 'chat.message', message: 'hi' })),
        );
        await layer.groupSend('room_b', { type: 'marker' });
        await expect(outsiderReceived).resolves.toEqual({ type: 'marker' });
        controller.abort();
      });

      it('should stop delivering to a discarded channel', async () => {
        const [stays, leaves] = [
          await layer.newChannel(),
          await layer.newChannel(),
        ];
        await layer.groupAdd('room', stays);
        await layer.groupAdd('room', leaves);
        await layer.groupDiscard('room', leaves);
        const stayed = layer.receive(stays);
        await layer.groupSend('room', { type: 'first' });
        await expect(stayed).resolves.toEqual({ type: 'first' });
        await expect(
          sendAndReceive(layer, leaves, { type: 'direct' }),
        ).resolves.toEqual({
          type: 'direct',
        });
      });

      it('should treat discarding a non-member and sending to an empty group as no-ops', async () => {
        const channel = await layer.newChannel();
        await expect(
          layer.groupDiscard('nobody_here', channel),
        ).resolves.toBeUndefined();
        await expect(
          layer.groupSend('nobody_here', { type: 'x' }),
        ).resolves.toEqual({ accepted: 0, full: 0 });
      });

      it('should deliver once to a channel added twice', async () => {
        const channel = await layer.newChannel();
        await layer.groupAdd('twice', channel);
        await layer.groupAdd('twice', channel);
        const first = layer.receive(channel);
        await layer.groupSend('twice', { type: 'once', n: 1 });
        await expect(first).resolves.toEqual({ type: 'once', n: 1 });
        const next = layer.receive(channel);
        await layer.send(channel, { type: 'once', n: 2 });
        await expect(next).resolves.toEqual({ type: 'once', n: 2 });
      });

      it('should refuse invalid group names with InvalidGroupNameError', async () => {
        const channel = await layer.newChannel();
        await expect(layer.groupAdd('bad group', channel)).rejects.toThrow(
          InvalidGroupNameError,
        );
        await expect(layer.groupSend('채팅', { type: 'x' })).rejects.toThrow(
          InvalidGroupNameError,
        );
        await expect(layer.groupAdd('ok', 'bad channel')).rejects.toThrow(
          InvalidChannelNameError,
        );
      });

      if (!differences.dropsUnreceived) {
        it('should drop memberships on flush', async () => {
          const channel = await layer.newChannel();
          await layer.groupAdd('flushed_group', channel);
          await layer.flush();
          await layer.groupSend('flushed_group', { type: 'lost' });
          await layer.send(channel, { type: 'direct' });
          await expect(layer.receive(channel)).resolves.toEqual({
            type: 'direct',
          });
        });
      }
    });

    if (!differences.noCapacity) {
      describe('capacity', () => {
        it('should throw ChannelFullError once a channel holds its capacity', async () => {
          const small = await layerWith({ capacity: 2 });
          const channel = await small.newChannel();
          await small.send(channel, { type: 'n', n: 1 });
          await small.send(channel, { type: 'n', n: 2 });
          await expect(
            small.send(channel, { type: 'n', n: 3 }),
          ).rejects.toThrow(ChannelFullError);
          await expect(small.receive(channel)).resolves.toEqual({
            type: 'n',
            n: 1,
          });
          await expect(
            small.send(channel, { type: 'n', n: 4 }),
          ).resolves.toBeUndefined();
        });

        it('should apply the first matching glob-pattern override', async () => {
          const small = await layerWith({
            capacity: 5,
            channelCapacity: { 'tiny.*': 1, '*': 2 },
          });
          const tiny = await small.newChannel('tiny');
          await small.send(tiny, { type: 'x' });
          await expect(small.send(tiny, { type: 'x' })).rejects.toThrow(
            ChannelFullError,
          );
          const roomy = await small.newChannel('roomy');
          await small.send(roomy, { type: 'x' });
          await small.send(roomy, { type: 'x' });
          await expect(small.send(roomy, { type: 'x' })).rejects.toThrow(
            ChannelFullError,
          );
        });

        it('should skip a full member on group send, without an error, and reach the others', async () => {
          const small = await layerWith({ capacity: 1 });
          const [full, free] = [
            await small.newChannel(),
            await small.newChannel(),
          ];
          await small.groupAdd('mixed', full);
          await small.groupAdd('mixed', free);
          await small.send(full, { type: 'filler' });
          const sent = await small.groupSend('mixed', { type: 'group' });
          expect(sent.accepted).toBeGreaterThanOrEqual(1);
          await expect(small.receive(free)).resolves.toEqual({ type: 'group' });
          await expect(small.receive(full)).resolves.toEqual({
            type: 'filler',
          });
        });
      });
    }

    describe('lifecycle', () => {
      it('should answer ping', async () => {
        await expect(layer.ping()).resolves.toBeUndefined();
      });

      it('should reject a pending receive when closed', async () => {
        const closing = await layerWith({});
        const channel = await closing.newChannel();
        const received = closing.receive(channel);
        await closing.close();
        await expect(received).rejects.toThrow();
      });
    });
  });
}
