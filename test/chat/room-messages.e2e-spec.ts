import { createApp, type TestApp } from '../helpers/create-app';
import { readyzUntil } from '../helpers/readyz';
import { RedisServer } from '../helpers/redis-server';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

/** POSTs `body` (sent as is when a string) to room `room`'s messages. */
function post(
  testApp: TestApp,
  room: string,
  body: unknown,
  token?: string,
): Promise<Response> {
  return fetch(`${testApp.http}/api/rooms/${room}/messages`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /api/rooms/<room>/messages (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createApp({
      API_TOKENS: 'bot-secret, flood-secret',
      CHAT_MAX_MESSAGE_LENGTH: '10',
      CHAT_RATE_LIMIT: '1',
      // Enough for every request of bot-secret here: a bucket only refills,
      // so no test depends on how fast the others ran.
      CHAT_RATE_BURST: '12',
    });
  });

  afterAll(async () => {
    await testApp.app.close();
  });

  it('should answer 202 and group-send the message to the room only', async () => {
    const alice = await WsClient.connect(`${testApp.ws}/ws/chat/lobby/`);
    const carol = await WsClient.connect(`${testApp.ws}/ws/chat/kitchen/`);
    const response = await post(
      testApp,
      'lobby',
      { message: 'bot: hi' },
      'bot-secret',
    );
    expect(response.status).toBe(202);
    await expect(alice.nextMessage()).resolves.toEqual(chatFrame('bot: hi'));
    // Carol's own message comes after anything the lobby could have leaked.
    carol.send({ message: 'me' });
    await expect(carol.nextMessage()).resolves.toEqual(chatFrame('me'));
    carol.expectNothing();
    await Promise.all([alice.close(), carol.close()]);
  });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'bot-secreT'],
  ])('should answer 401 with %s', async (_case, token) => {
    const response = await post(testApp, 'lobby', { message: 'x' }, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    await expect(response.json()).resolves.toMatchObject({
      error: 'unauthorized',
    });
  });

  it.each([
    ['invalid_json', '{"message": '],
    ['invalid_json', ''],
    ['invalid_message', { text: 'x' }],
    ['invalid_message', ['x']],
    ['message_too_long', { message: 'x'.repeat(11) }],
  ])(
    'should answer 400 %s, as the WebSocket protocol does',
    async (code, body) => {
      const response = await post(testApp, 'lobby', body, 'bot-secret');
      expect(response.status).toBe(400);
      const answer = (await response.json()) as {
        error: string;
        detail: string;
      };
      expect(answer.error).toBe(code);
      expect(answer.detail).toEqual(expect.any(String));
    },
  );

  it('should answer 413 for a body over WS_MAX_PAYLOAD', async () => {
    const size = testApp.config.wsMaxPayload + 1;
    const response = await post(
      testApp,
      'lobby',
      'x'.repeat(size),
      'bot-secret',
    );
    expect(response.status).toBe(413);
  });

  it('should answer 400 invalid_room for a room that has no group', async () => {
    const response = await post(testApp, '%01', { message: 'x' }, 'bot-secret');
    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toMatchObject({
      error: 'invalid_room',
    });
  });

  it('should rate limit per token with 429 rate_limited', async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, () =>
        post(testApp, 'flood', { message: 'x' }, 'flood-secret'),
      ),
    );
    const limited = responses.filter((response) => response.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    await expect(limited[0].json()).resolves.toMatchObject({
      error: 'rate_limited',
    });
    // The other token's bucket is its own.
    const other = await post(testApp, 'flood', { message: 'x' }, 'bot-secret');
    expect(other.status).toBe(202);
  });
});

describe('POST /api/rooms/<room>/messages, API off or layer down (e2e)', () => {
  it('should answer 404 when API_TOKENS is unset', async () => {
    const testApp = await createApp();
    const response = await post(testApp, 'lobby', { message: 'x' }, 'any');
    expect(response.status).toBe(404);
    await testApp.app.close();
  });

  it('should answer 503 layer_unavailable when the layer cannot send', async () => {
    const redis = await RedisServer.start();
    const testApp = await createApp({
      API_TOKENS: 'bot-secret',
      CHANNEL_LAYER: 'redis',
      REDIS_URL: redis.url,
    });
    await redis.stop();
    const response = await post(
      testApp,
      'lobby',
      { message: 'x' },
      'bot-secret',
    );
    expect(response.status).toBe(503);
    await expect(response.json()).resolves.toMatchObject({
      error: 'layer_unavailable',
    });
    // Closed once back on a live server, as the outage tests do.
    await redis.restart();
    await readyzUntil(testApp, 200);
    await testApp.app.close();
    await redis.dispose();
  });
});
