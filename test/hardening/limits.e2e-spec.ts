import { readFileSync } from 'node:fs';
import { ChannelLayer } from '../../src/channel-layer';
import { createApp, type TestApp } from '../helpers/create-app';
import { holdNextCall } from '../helpers/held-call';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

/** Each limit of README's Security section, with the protection observed. */
describe('Limits (e2e)', () => {
  const apps: TestApp[] = [];
  const clients: WsClient[] = [];

  async function app(env: Record<string, string>): Promise<TestApp> {
    const testApp = await createApp(env);
    apps.push(testApp);
    return testApp;
  }

  async function join(testApp: TestApp, room: string): Promise<WsClient> {
    const client = await WsClient.connect(`${testApp.ws}/ws/chat/${room}/`);
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(apps.splice(0).map((testApp) => testApp.app.close()));
  });

  it('should refuse messages over the rate with rate_limited, broadcast none of them, and close a flooder with 1008', async () => {
    const testApp = await app({
      CHAT_RATE_LIMIT: '1',
      CHAT_RATE_BURST: '3',
      CHAT_RATE_ABUSE_LIMIT: '5',
    });
    const [flooder, bob, carol] = [
      await join(testApp, 'rate'),
      await join(testApp, 'rate'),
      await join(testApp, 'rate'),
    ];
    for (let n = 1; n <= 4; n++) {
      flooder.send({ message: `m${n}` });
    }
    const replies = [];
    for (let i = 0; i < 4; i++) {
      replies.push(await flooder.nextMessage());
    }
    expect(replies).toEqual(
      expect.arrayContaining([
        chatFrame('m1'),
        chatFrame('m2'),
        chatFrame('m3'),
        expect.objectContaining({ error: 'rate_limited' }),
      ]),
    );
    carol.send({ message: 'sentinel' });
    const seenByBob = [];
    for (let i = 0; i < 4; i++) {
      seenByBob.push(await bob.nextMessage());
    }
    expect(seenByBob).toEqual([
      chatFrame('m1'),
      chatFrame('m2'),
      chatFrame('m3'),
      chatFrame('sentinel'),
    ]);

    for (let n = 0; n < 10; n++) {
      flooder.send({ message: 'flood' });
    }
    await expect(flooder.closed).resolves.toMatchObject({ code: 1008 });
  });

  it('should refuse connections over WS_MAX_CONNECTIONS with 503, and take one again once another leaves', async () => {
    const testApp = await app({ WS_MAX_CONNECTIONS: '2' });
    const first = await join(testApp, 'full');
    await join(testApp, 'full');
    await expect(
      WsClient.connect(`${testApp.ws}/ws/chat/full/`),
    ).rejects.toThrow('refused with 503');

    await first.close();
    let third: WsClient | undefined;
    for (let attempt = 0; attempt < 50 && !third; attempt++) {
      third = await WsClient.connect(`${testApp.ws}/ws/chat/full/`).catch(
        () => undefined,
      );
    }
    expect(third).toBeDefined();
    clients.push(third as WsClient);
  });

  it('should refuse a handshake whose connect step outlasts WS_HANDSHAKE_TIMEOUT_MS, and undo it when it finishes', async () => {
    const testApp = await app({ WS_HANDSHAKE_TIMEOUT_MS: '50' });
    const layer = testApp.app.get(ChannelLayer);
    const connect = holdNextCall(layer, 'groupAdd');
    let undone = (_channel: string): void => undefined;
    const discarded = new Promise<string>((resolve) => (undone = resolve));
    const groupDiscard = layer.groupDiscard.bind(layer);
    jest
      .spyOn(layer, 'groupDiscard')
      .mockImplementation(async (group, channel) => {
        await groupDiscard(group, channel);
        undone(channel);
      });

    await expect(
      WsClient.connect(`${testApp.ws}/ws/chat/slow/`),
    ).rejects.toThrow('refused with 503');
    connect.release();
    await expect(discarded).resolves.toMatch(/^specific\./);
    jest.restoreAllMocks();
  });

  it('should close a client that stops reading with 1013 once WS_MAX_BUFFERED_BYTES wait for it, while the others get everything', async () => {
    const testApp = await app({
      WS_MAX_BUFFERED_BYTES: '65536',
      CHAT_RATE_LIMIT: '100000',
      CHAT_RATE_BURST: '100000',
      CHAT_ADDRESS_RATE_BURST: '100000',
      CHAT_MAX_MESSAGE_LENGTH: '30000',
    });
    const [slow, fast] = [
      await join(testApp, 'slow-reader'),
      await join(testApp, 'slow-reader'),
    ];
    slow.socket.pause();
    const count = 600;
    const text = 'x'.repeat(30_000);
    // The reading member takes each message before sending the next, so
    // what waits for it stays under the bound however busy the machine is;
    // only the paused member falls behind.
    for (let n = 0; n < count; n++) {
      fast.send({ message: text });
      await expect(fast.nextMessage()).resolves.toEqual(chatFrame(text));
    }
    slow.socket.resume();
    await expect(slow.closed).resolves.toMatchObject({ code: 1013 });
    expect(slow.pending).toBeLessThan(count);
  });

  it('should close a client that never reads but keeps sending bad frames with 1013: error replies are bounded too', async () => {
    const testApp = await app({
      WS_MAX_BUFFERED_BYTES: '1024',
      CHAT_RATE_LIMIT: '1000000',
      CHAT_RATE_BURST: '1000000',
      CHAT_RATE_ABUSE_LIMIT: '1000000',
      CHAT_ADDRESS_RATE_LIMIT: '100000000',
      CHAT_ADDRESS_RATE_BURST: '1000000',
    });
    const [silent, other] = [
      await join(testApp, 'bad-frames'),
      await join(testApp, 'bad-frames'),
    ];
    silent.socket.pause();
    // Twice as many replies (~90 bytes each) as the kernel may buffer on the
    // way: the server's send buffer, at most, and the client's receive buffer.
    const [wmem, rmem] = ['tcp_wmem', 'tcp_rmem'].map((name) =>
      readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8')
        .split(/\s+/)
        .map(Number),
    );
    const frames = Math.ceil((2 * (wmem[2] + rmem[1])) / 90);
    for (let n = 0; n < frames; n++) {
      silent.send('not json');
    }
    // Its frames are handled in order: once the last one reaches the room,
    // every bad frame before it has had its reply, or the socket its close.
    silent.send({ message: 'last' });
    await expect(other.nextMessage()).resolves.toEqual(chatFrame('last'));
    silent.socket.resume();
    await expect(silent.closed).resolves.toMatchObject({ code: 1013 });
    // Closed at the bound, not after every reply had been queued for it.
    expect(silent.pending).toBeLessThan(frames);
  }, 120_000);
});
