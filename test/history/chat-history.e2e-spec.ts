import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Packr } from 'msgpackr';
import { ChannelLayer, isNextHistoryId } from '../../src/channel-layer';
import { createApp, type TestApp } from '../helpers/create-app';
import { readyzUntil } from '../helpers/readyz';
import { RedisServer } from '../helpers/redis-server';
import { roomOnShard } from '../helpers/room-on-shard';
import { WsClient } from '../helpers/ws-client';

interface Frame {
  message?: string;
  id?: string;
  recovered?: boolean;
}

/** Every id the one right after the one before: in order, and none missing. */
function expectConsecutiveIds(frames: Frame[]): void {
  for (let i = 1; i < frames.length; i++) {
    expect(isNextHistoryId(frames[i - 1].id ?? '', frames[i].id ?? '')).toBe(
      true,
    );
  }
}

/**
 * Stores a chat message in the room's history as a sender does just before
 * sending it (the stream's epoch, the next sequence; 12 random bytes, then
 * msgpack), and does not send it: a message that its members did not get
 * live (its sender stopped in between, or a pub/sub subscriber was away).
 */
async function storeUnsent(
  url: string,
  backend: 'redis' | 'redis-pubsub',
  room: string,
  text: string,
): Promise<void> {
  const name =
    backend === 'redis'
      ? `asgi:group:chat_${room}`
      : `asgi__group__chat_${room}`;
  const key = `asgi:history:{${name}}`;
  const client = new Redis(url);
  try {
    const [[newest]] = await client.xrevrange(key, '+', '-', 'COUNT', 1);
    const value = new Packr({ useRecords: false, variableMapSize: true }).pack({
      type: 'chat.message',
      message: text,
    });
    await client.xadd(
      key,
      `${newest.split('-')[0]}-*`,
      'm',
      Buffer.concat([randomBytes(12), value]),
    );
  } finally {
    client.disconnect();
  }
}

describe.each([
  ['memory', 0],
  ['redis', 1],
  ['redis', 2],
  ['redis-pubsub', 1],
] as const)(
  'Room history, CHANNEL_LAYER=%s on %i Redis shards (e2e)',
  (backend, shards) => {
    let servers: RedisServer[] = [];
    const apps: TestApp[] = [];
    const clients: WsClient[] = [];

    /** An app of this backend (on the suite's Redis) with `env`. */
    async function start(env: Record<string, string> = {}): Promise<TestApp> {
      const app = await createApp({
        CHANNEL_LAYER: backend,
        ...(shards > 0
          ? { REDIS_URL: servers.map((server) => server.url).join(',') }
          : {}),
        ...env,
      });
      apps.push(app);
      return app;
    }

    async function join(app: TestApp, path: string): Promise<WsClient> {
      const client = await WsClient.connect(`${app.ws}/ws/chat/${path}`);
      clients.push(client);
      return client;
    }

    async function next(client: WsClient): Promise<Frame> {
      return (await client.nextMessage()) as Frame;
    }

    beforeAll(async () => {
      servers = await Promise.all(
        Array.from({ length: shards }, () => RedisServer.start()),
      );
    });

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await Promise.all(apps.splice(0).map(({ app }) => app.close()));
    });

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.dispose()));
    });

    it('should send the last N messages, with ids, before live ones', async () => {
      const app = await start({ CHAT_HISTORY_SIZE: '100' });
      const sender = await join(app, 'last/');
      const sent: Frame[] = [];
      for (let n = 0; n < 5; n++) {
        sender.send({ message: `m${n}` });
        sent.push(await next(sender));
      }
      expectConsecutiveIds(sent);
      const late = await join(app, 'last/?history=3');
      sender.send({ message: 'live' });
      const live = await next(sender);
      const frames = [await next(late), await next(late), await next(late)];
      expect(frames).toEqual(sent.slice(2));
      await expect(next(late)).resolves.toEqual(live);
      late.expectNothing();
    });

    it('should resume after an id with no gap and no duplicate while others keep sending', async () => {
      // Two instances where the layer spans processes: concurrent senders on both.
      const first = await start({ CHAT_HISTORY_SIZE: '1000' });
      const second =
        backend === 'memory'
          ? first
          : await start({ CHAT_HISTORY_SIZE: '1000' });
      const watcher = await join(first, 'resume/');
      let resumer = await join(second, 'resume/');
      const senders = await Promise.all(
        [first, second, first].map((app) => join(app, 'resume/')),
      );
      const perSender = 30;
      const total = senders.length * perSender;
      // Each sender sends its next message once it has seen its previous one
      // come back: traffic keeps flowing through the reconnect below.
      const chains = senders.map(async (sender, s) => {
        for (let n = 0; n < perSender; n++) {
          sender.send({ message: `s${s}-${n}` });
          while ((await next(sender)).message !== `s${s}-${n}`);
        }
      });

      const seen: Frame[] = [];
      while (seen.length < 10) {
        seen.push(await next(resumer));
      }
      await resumer.close();
      const everything: Frame[] = [];
      // Reconnect only once more messages were sent while it was away.
      while (everything.length < seen.length + 10) {
        everything.push(await next(watcher));
      }
      resumer = await join(
        second,
        `resume/?since=${encodeURIComponent(seen[9].id ?? '')}`,
      );
      await expect(next(resumer)).resolves.toEqual({ recovered: true });
      while (everything.length < total) {
        everything.push(await next(watcher));
      }
      while (seen.length < total) {
        seen.push(await next(resumer));
      }
      await Promise.all(chains);
      expect(seen).toEqual(everything);
      expectConsecutiveIds(everything);
      senders[0].send({ message: 'after' });
      await expect(next(resumer)).resolves.toEqual({
        message: 'after',
        id: expect.any(String),
      });
      resumer.expectNothing();
    });

    it('should say recovered: false when the id was trimmed, and send what is kept', async () => {
      const app = await start({ CHAT_HISTORY_SIZE: '3' });
      const sender = await join(app, 'trim/');
      const sent: Frame[] = [];
      for (let n = 0; n < 6; n++) {
        sender.send({ message: `m${n}` });
        sent.push(await next(sender));
      }
      const late = await join(app, `trim/?since=${sent[1].id}`);
      await expect(next(late)).resolves.toEqual({ recovered: false });
      for (const frame of sent.slice(3)) {
        await expect(next(late)).resolves.toEqual(frame);
      }
    });

    it('should say recovered: true and send nothing more for the newest id', async () => {
      const app = await start({ CHAT_HISTORY_SIZE: '10' });
      const sender = await join(app, 'newest/');
      sender.send({ message: 'only' });
      const only = await next(sender);
      const late = await join(app, `newest/?since=${only.id}`);
      await expect(next(late)).resolves.toEqual({ recovered: true });
      sender.send({ message: 'live' });
      await expect(next(late)).resolves.toEqual({
        message: 'live',
        id: expect.any(String),
      });
    });

    it('should store a message posted to the HTTP API like a chat frame', async () => {
      const app = await start({ CHAT_HISTORY_SIZE: '10', API_TOKENS: 'bot' });
      const response = await fetch(`${app.http}/api/rooms/posted/messages`, {
        method: 'POST',
        headers: {
          Authorization: 'Bearer bot',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ message: 'from a bot' }),
      });
      expect(response.status).toBe(202);
      const late = await join(app, 'posted/?history=5');
      await expect(next(late)).resolves.toEqual({
        message: 'from a bot',
        id: expect.any(String),
      });
    });

    it('should deliver messages group-sent by others live, without an id of theirs, and keep them out of history', async () => {
      const app = await start({ CHAT_HISTORY_SIZE: '10' });
      const client = await join(app, 'foreign/');
      await app.app.get(ChannelLayer).groupSend('chat_foreign', {
        type: 'chat_message',
        message: 'from Django',
        id: 'not-ours',
      });
      await expect(next(client)).resolves.toEqual({ message: 'from Django' });
      const late = await join(app, 'foreign/?history=5');
      late.send({ message: 'mine' });
      await expect(next(late)).resolves.toEqual({
        message: 'mine',
        id: expect.any(String),
      });
    });

    it('should change nothing on the wire when history is off', async () => {
      const app = await start({ CHAT_HISTORY_SIZE: '0' });
      const client = await join(app, 'off/?history=5');
      client.send({ message: 'plain' });
      await expect(next(client)).resolves.toEqual({ message: 'plain' });
    });

    if (backend !== 'memory') {
      it('should send every member a stored message that did not come live, in id order', async () => {
        const app = await start({ CHAT_HISTORY_SIZE: '10' });
        const room = roomOnShard(backend, 0, shards, 'unsent');
        const member = await join(app, `${room}/`);
        const sender = await join(app, `${room}/`);
        sender.send({ message: 'first' });
        const first = await next(member);
        await expect(next(sender)).resolves.toEqual(first);
        await storeUnsent(servers[0].url, backend, room, 'stalled');
        sender.send({ message: 'last' });
        for (const client of [member, sender]) {
          const frames = [await next(client), await next(client)];
          expect(frames.map((frame) => frame.message)).toEqual([
            'stalled',
            'last',
          ]);
          expectConsecutiveIds([first, ...frames]);
        }
        member.expectNothing();
      });

      it('should say recovered: false after a Redis restart', async () => {
        const app = await start({ CHAT_HISTORY_SIZE: '10' });
        const sender = await join(app, 'restart/');
        sender.send({ message: 'before' });
        const before = await next(sender);
        await Promise.all(servers.map((server) => server.stop()));
        await readyzUntil(app, 503);
        await Promise.all(servers.map((server) => server.restart()));
        await readyzUntil(app, 200);
        const late = await join(app, `restart/?since=${before.id}`);
        await expect(next(late)).resolves.toEqual({ recovered: false });
        late.send({ message: 'after' });
        await expect(next(late)).resolves.toEqual({
          message: 'after',
          id: expect.any(String),
        });
      });
    }

    if (backend === 'memory') {
      it('should close with 1013 a connection whose chat.replay is lost in a quiet room, and send the history on resume', async () => {
        // CHANNEL_EXPIRY is how long a connection waits for its chat.replay.
        const app = await start({
          CHAT_HISTORY_SIZE: '10',
          CHANNEL_EXPIRY: '1',
        });
        const sender = await join(app, 'quiet/');
        sender.send({ message: 'stored' });
        const stored = await next(sender);
        const layer = app.app.get(ChannelLayer);
        const send = layer.send.bind(layer);
        const lose = jest
          .spyOn(layer, 'send')
          .mockImplementation(async (channel, message) => {
            if (message.type !== 'chat.replay') {
              await send(channel, message);
            }
          });
        const lost = await join(app, 'quiet/?history=5');
        await expect(lost.closed).resolves.toMatchObject({ code: 1013 });
        lose.mockRestore();
        const resumed = await join(app, 'quiet/?history=5');
        await expect(next(resumed)).resolves.toEqual(stored);
      });
    }
  },
);
