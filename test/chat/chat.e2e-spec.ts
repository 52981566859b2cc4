import { ChannelLayer } from '../../src/channel-layer';
import { createApp, type TestApp } from '../helpers/create-app';
import { WsClient } from '../helpers/ws-client';

describe.each([
  ['off', { CHAT_HISTORY_SIZE: '0' }],
  ['on', { CHAT_HISTORY_SIZE: '100' }],
])('ChatGateway (e2e, memory layer, history %s)', (history, historyEnv) => {
  let testApp: TestApp;

  /** A chat frame as a client's message comes back: with its id when history is on. */
  const chat = (message: string): object =>
    history === 'on' ? { message, id: expect.any(String) } : { message };
  const clients: WsClient[] = [];

  async function join(room: string): Promise<WsClient> {
    const client = await WsClient.connect(
      `${testApp.ws}/ws/chat/${encodeURIComponent(room)}/`,
    );
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    testApp = await createApp({
      CHAT_MAX_MESSAGE_LENGTH: '20',
      WS_MAX_PAYLOAD: '1024',
      ...historyEnv,
    });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await testApp.app.close();
  });

  it('should deliver a message to everyone in the room, the sender included, right after open', async () => {
    const [alice, bob] = [await join('lobby'), await join('lobby')];
    alice.send({ message: 'hello' });
    await expect(alice.nextMessage()).resolves.toEqual(chat('hello'));
    await expect(bob.nextMessage()).resolves.toEqual(chat('hello'));
  });

  it('should keep each sender’s messages in order', async () => {
    const [alice, bob] = [await join('order'), await join('order')];
    for (let n = 0; n < 20; n++) {
      alice.send({ message: `m${n}` });
    }
    for (let n = 0; n < 20; n++) {
      await expect(bob.nextMessage()).resolves.toEqual(chat(`m${n}`));
    }
  });

  it('should deliver nothing to another room', async () => {
    const [inside, outside] = [await join('room1'), await join('room2')];
    inside.send({ message: 'private' });
    await expect(inside.nextMessage()).resolves.toEqual(chat('private'));
    outside.send({ message: 'marker' });
    await expect(outside.nextMessage()).resolves.toEqual(chat('marker'));
  });

  it('should chat in a Unicode room, apart from other rooms', async () => {
    const [a, b, other] = [
      await join('한국어'),
      await join('한국어'),
      await join('日本語'),
    ];
    a.send({ message: '안녕하세요' });
    await expect(b.nextMessage()).resolves.toEqual(chat('안녕하세요'));
    other.send({ message: 'marker' });
    await expect(other.nextMessage()).resolves.toEqual(chat('marker'));
  });

  it.each([
    ['not JSON', 'not json', 'invalid_json'],
    ['a binary frame', Buffer.from('{"message":"hi"}'), 'binary_frame'],
    ['no message key', { text: 'hi' }, 'invalid_message'],
    ['a non-string message', { message: 42 }, 'invalid_message'],
    ['a JSON array', [1, 2], 'invalid_message'],
    [
      'a message over the length limit',
      { message: 'x'.repeat(21) },
      'message_too_long',
    ],
  ])(
    'should answer %s to its sender only and broadcast nothing',
    async (_what, frame, error) => {
      const [sender, other] = [await join('errors'), await join('errors')];
      sender.send(frame);
      await expect(sender.nextMessage()).resolves.toEqual({
        error,
        detail: expect.any(String),
      });
      sender.send({ message: 'after' });
      await expect(sender.nextMessage()).resolves.toEqual(chat('after'));
      await expect(other.nextMessage()).resolves.toEqual(chat('after'));
    },
  );

  it('should close only the connection whose frame is over WS_MAX_PAYLOAD, with 1009', async () => {
    const [big, other] = [await join('limits'), await join('limits')];
    big.send({ message: 'x'.repeat(2000) });
    await expect(big.closed).resolves.toMatchObject({ code: 1009 });
    other.send({ message: 'still here' });
    await expect(other.nextMessage()).resolves.toEqual(chat('still here'));
  });

  it('should take a chat_message from another process to the same handler', async () => {
    const client = await join('django');
    const layer = testApp.app.get(ChannelLayer);
    await layer.groupSend('chat_django', {
      type: 'chat_message',
      message: 'from python',
    });
    await expect(client.nextMessage()).resolves.toEqual({
      message: 'from python',
    });
  });

  it('should drop a layer message of an unknown type and keep working', async () => {
    const client = await join('foreign');
    const layer = testApp.app.get(ChannelLayer);
    await layer.groupSend('chat_foreign', {
      type: 'websocket.disconnect',
      code: 1000,
    });
    await layer.groupSend('chat_foreign', {
      type: 'chat.message',
      message: 'next',
    });
    await expect(client.nextMessage()).resolves.toEqual({ message: 'next' });
  });

  it('should take a closed client’s channel out of its group', async () => {
    const layer = testApp.app.get(ChannelLayer);
    const added = jest.spyOn(layer, 'groupAdd');
    const discarded = new Promise<void>((resolve) => {
      const original = layer.groupDiscard.bind(layer);
      jest
        .spyOn(layer, 'groupDiscard')
        .mockImplementationOnce(async (group, channel) => {
          await original(group, channel);
          resolve();
        });
    });
    const client = await WsClient.connect(`${testApp.ws}/ws/chat/leaving/`);
    const [[group, channel]] = added.mock.calls;
    added.mockRestore();
    expect(group).toBe('chat_leaving');
    await client.close();
    await discarded;
    await layer.groupSend('chat_leaving', {
      type: 'chat.message',
      message: 'too late',
    });
    await layer.send(channel, { type: 'probe' });
    await expect(layer.receive(channel)).resolves.toEqual({ type: 'probe' });
  });
});
