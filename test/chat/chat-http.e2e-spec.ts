import { request } from 'node:http';
import { ChannelLayer } from '../../src/channel-layer';
import { ChatGateway } from '../../src/chat/chat.gateway';
import { ConsumerRuntime, HandshakeRefusedError } from '../../src/consumers';
import { createApp, type TestApp } from '../helpers/create-app';
import { holdNextCall } from '../helpers/held-call';
import { WsClient } from '../helpers/ws-client';

describe('Chat pages, probes and handshake (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createApp({ ALLOWED_ORIGINS: 'https://chat.example.com' });
  });

  afterAll(async () => {
    await testApp.app.close();
  });

  it.each(['/', '/chat/'])(
    'should serve the index page at %s with the tutorial ids',
    async (path) => {
      const response = await fetch(`${testApp.http}${path}`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('id="room-name-input"');
      expect(html).toContain('id="room-name-submit"');
    },
  );

  it('should serve the room page with the tutorial ids', async () => {
    const response = await fetch(`${testApp.http}/chat/lobby/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const id of [
      'chat-log',
      'chat-message-input',
      'chat-message-submit',
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
  });

  it('should serve the page script', async () => {
    const response = await fetch(`${testApp.http}/static/room.js`);
    expect(response.status).toBe(200);
    await expect(response.text()).resolves.toContain('/ws/chat/');
  });

  it('should answer /healthz and /readyz with 200', async () => {
    const health = await fetch(`${testApp.http}/healthz`);
    expect(health.status).toBe(200);
    await expect(health.json()).resolves.toMatchObject({ status: 'ok' });
    const ready = await fetch(`${testApp.http}/readyz`);
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toMatchObject({
      status: 'ok',
      info: { channel_layer: { status: 'up' }, runtime: { status: 'up' } },
    });
  });

  it('should answer an HTTP request that offers another upgrade (h2c) as plain HTTP', async () => {
    const answer = await new Promise<{ status?: number; body: string }>(
      (resolve, reject) => {
        const probe = request(`${testApp.http}/healthz`, {
          headers: {
            Connection: 'Upgrade, HTTP2-Settings',
            Upgrade: 'h2c',
            'HTTP2-Settings': 'AAMAAABkAARAAAAAAAIAAAAA',
          },
        });
        probe.on('response', (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () =>
            resolve({ status: response.statusCode, body }),
          );
        });
        probe.on('error', reject);
        probe.end();
      },
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'ok' });
  });

  it('should refuse an unknown WebSocket path at the handshake with 404', async () => {
    await expect(WsClient.connect(`${testApp.ws}/ws/nowhere/`)).rejects.toThrow(
      'refused with 404',
    );
  });

  it.each(['bad%0Aroom', 'x'.repeat(95)])(
    'should refuse the invalid room %p with 400',
    async (room) => {
      await expect(
        WsClient.connect(`${testApp.ws}/ws/chat/${room}/`),
      ).rejects.toThrow('refused with 400');
    },
  );

  it('should refuse a disallowed Origin with 403', async () => {
    await expect(
      WsClient.connect(`${testApp.ws}/ws/chat/lobby/`, {
        origin: 'https://evil.example.com',
      }),
    ).rejects.toThrow('refused with 403');
  });

  it('should accept an allowed Origin and a client without Origin', async () => {
    const browser = await WsClient.connect(`${testApp.ws}/ws/chat/lobby/`, {
      origin: 'https://chat.example.com',
    });
    const tool = await WsClient.connect(`${testApp.ws}/ws/chat/lobby/`);
    await Promise.all([browser.close(), tool.close()]);
  });
});

describe('Refusing connect (e2e)', () => {
  it('should release the channel of a connect that refuses by throwing synchronously', async () => {
    const testApp = await createApp();
    try {
      jest
        .spyOn(testApp.app.get(ChatGateway), 'connect')
        .mockImplementationOnce(() => {
          throw new HandshakeRefusedError(403, 'Forbidden');
        });
      const receive = jest.spyOn(testApp.app.get(ChannelLayer), 'receive');
      await expect(
        WsClient.connect(`${testApp.ws}/ws/chat/refused/`),
      ).rejects.toThrow('refused with 403');
      // A receive with an aborted signal is how a channel is released.
      expect(receive).toHaveBeenCalledWith(
        expect.stringMatching(/^specific\./),
        { signal: expect.objectContaining({ aborted: true }) as AbortSignal },
      );
    } finally {
      jest.restoreAllMocks();
      await testApp.app.close();
    }
  });
});

describe('Origin default (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createApp();
  });

  afterAll(async () => {
    await testApp.app.close();
  });

  it('should allow only the request’s own host when ALLOWED_ORIGINS is unset', async () => {
    const own = await WsClient.connect(`${testApp.ws}/ws/chat/lobby/`, {
      origin: testApp.http,
    });
    await own.close();
    await expect(
      WsClient.connect(`${testApp.ws}/ws/chat/lobby/`, {
        origin: 'http://other.example.com',
      }),
    ).rejects.toThrow('refused with 403');
  });
});

describe('Graceful shutdown (e2e)', () => {
  it('should close every socket with 1001 and leave the groups', async () => {
    const testApp = await createApp();
    const client = await WsClient.connect(`${testApp.ws}/ws/chat/closing/`);
    await testApp.app.close();
    await expect(client.closed).resolves.toMatchObject({ code: 1001 });
  });

  it('should let a handshake under way finish before the layer closes, and undo it', async () => {
    const testApp = await createApp();
    const layer = testApp.app.get(ChannelLayer);
    const connect = holdNextCall(layer, 'groupAdd');
    const left: Array<'left' | 'failed'> = [];
    const groupDiscard = layer.groupDiscard.bind(layer);
    jest
      .spyOn(layer, 'groupDiscard')
      .mockImplementation(async (group, channel) => {
        await groupDiscard(group, channel).then(
          () => left.push('left'),
          () => left.push('failed'),
        );
      });
    const runtime = testApp.app.get(ConsumerRuntime);
    const shutdown = runtime.beforeApplicationShutdown.bind(runtime);
    let began = (): void => undefined;
    const shutdownBegan = new Promise<void>((resolve) => (began = resolve));
    jest
      .spyOn(runtime, 'beforeApplicationShutdown')
      .mockImplementationOnce(() => {
        const done = shutdown();
        began();
        return done;
      });
    const opening = WsClient.connect(`${testApp.ws}/ws/chat/half-open/`);
    await connect.started;
    const closing = testApp.app.close();
    await shutdownBegan;
    connect.release();
    await expect(opening).rejects.toThrow('refused with 503');
    await closing;
    expect(left).toEqual(['left']);
    jest.restoreAllMocks();
  });

  it('should answer /readyz with 503 from the start of the shutdown, while sockets close', async () => {
    const testApp = await createApp();
    const layer = testApp.app.get(ChannelLayer);
    const disconnect = holdNextCall(layer, 'groupDiscard');
    const client = await WsClient.connect(`${testApp.ws}/ws/chat/draining/`);
    const closing = testApp.app.close();
    await disconnect.started;
    const response = await fetch(`${testApp.http}/readyz`);
    disconnect.release();
    await closing;
    expect(response.status).toBe(503);
    // terminus's own word for a check during the application's shutdown
    await expect(response.json()).resolves.toMatchObject({
      status: 'shutting_down',
      error: { runtime: { status: 'down', message: 'shutting down' } },
    });
    await expect(client.closed).resolves.toMatchObject({ code: 1001 });
  });
});
