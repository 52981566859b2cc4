import { createApp, type TestApp } from '../helpers/create-app';
import { firstReply, openRawSocket, socketClosed } from '../helpers/raw-socket';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

// README: Security. Limits per client address, heartbeats, slow requests.
describe('Edge limits (e2e)', () => {
  const apps: TestApp[] = [];
  const clients: WsClient[] = [];

  async function app(env: Record<string, string>): Promise<TestApp> {
    const testApp = await createApp(env);
    apps.push(testApp);
    return testApp;
  }

  async function join(
    testApp: TestApp,
    forwardedFor?: string,
  ): Promise<WsClient> {
    const headers: Record<string, string> = forwardedFor
      ? { 'X-Forwarded-For': forwardedFor }
      : {};
    const client = await WsClient.connect(`${testApp.ws}/ws/chat/limits/`, {
      headers,
    });
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(apps.splice(0).map((testApp) => testApp.app.close()));
  });

  it('should refuse handshakes over the per-address limit with 429', async () => {
    const testApp = await app({
      WS_HANDSHAKE_RATE_LIMIT: '1',
      WS_HANDSHAKE_RATE_BURST: '2',
    });
    await (await join(testApp)).close();
    await (await join(testApp)).close();
    await expect(join(testApp)).rejects.toThrow('refused with 429');
  });

  it('should keep the per-address message limit across a reconnect', async () => {
    const testApp = await app({
      CHAT_ADDRESS_RATE_LIMIT: '1',
      CHAT_ADDRESS_RATE_BURST: '3',
    });
    const first = await join(testApp);
    for (let n = 0; n < 3; n++) {
      first.send({ message: `m${n}` });
      await expect(first.nextMessage()).resolves.toEqual(chatFrame(`m${n}`));
    }
    first.send({ message: 'one too many' });
    await expect(first.nextMessage()).resolves.toMatchObject({
      error: 'rate_limited',
    });
    await first.close();

    const again = await join(testApp);
    again.send({ message: 'after reconnecting' });
    await expect(again.nextMessage()).resolves.toMatchObject({
      error: 'rate_limited',
    });
  });

  it('should read X-Forwarded-For only from a proxy in TRUST_PROXY', async () => {
    const env = { WS_HANDSHAKE_RATE_LIMIT: '1', WS_HANDSHAKE_RATE_BURST: '1' };
    const proxied = await app({ ...env, TRUST_PROXY: 'loopback' });
    await join(proxied, '203.0.113.1');
    await expect(join(proxied, '203.0.113.1')).rejects.toThrow(
      'refused with 429',
    );
    await join(proxied, '203.0.113.2');

    const direct = await app(env);
    await join(direct, '203.0.113.1');
    await expect(join(direct, '203.0.113.2')).rejects.toThrow(
      'refused with 429',
    );
  });

  it('should close a peer that misses a pong, and keep one that answers', async () => {
    const testApp = await app({ WS_PING_INTERVAL_MS: '50' });
    const url = `${testApp.ws}/ws/chat/limits/`;
    const silent = await WsClient.connect(url, { autoPong: false });
    const alive = await WsClient.connect(url);
    clients.push(alive);
    let pings = 0;
    const threePings = new Promise<void>((resolve) =>
      alive.socket.on('ping', () => ++pings === 3 && resolve()),
    );
    await expect(silent.closed).resolves.toMatchObject({ code: 1006 });
    await threePings;
    expect(alive.socket.readyState).toBe(alive.socket.OPEN);
  });

  it('should drop a connection that sends its headers too slowly', async () => {
    const testApp = await app({ HTTP_HEADERS_TIMEOUT_MS: '100' });
    const socket = await openRawSocket(testApp.http);
    socket.write('GET /ws/chat/limits/ HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await socketClosed(socket);
  });

  it('should drop new connections past HTTP_MAX_PENDING_SOCKETS, and keep the first ones', async () => {
    const testApp = await app({ HTTP_MAX_PENDING_SOCKETS: '2' });
    const first = await openRawSocket(testApp.http);
    const second = await openRawSocket(testApp.http);
    first.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    second.write('GET /healthz HTTP/1.1\r\n');
    const third = await openRawSocket(testApp.http);
    await socketClosed(third);

    const reply = firstReply(first);
    first.write('\r\n');
    await expect(reply).resolves.toMatch(/^HTTP\/1\.1 200/);
    first.destroy();
    second.destroy();
  });
});
