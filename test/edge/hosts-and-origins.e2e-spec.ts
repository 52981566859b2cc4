import { createApp, type TestApp } from '../helpers/create-app';
import { httpGet } from '../helpers/http-get';
import { WsClient } from '../helpers/ws-client';

// README: Security. Host and Origin as Django checks them.
describe('Hosts and origins (e2e)', () => {
  let testApp: TestApp;
  let port: string;

  beforeAll(async () => {
    testApp = await createApp();
    port = new URL(testApp.http).port;
  });

  afterAll(async () => {
    await testApp.app.close();
  });

  function connect(headers: Record<string, string>): Promise<WsClient> {
    return WsClient.connect(`${testApp.ws}/ws/chat/lobby/`, { headers });
  }

  it.each(['localhost', '127.0.0.1', '[::1]'])(
    'should serve the default allowed host %s, on any port',
    async (host) => {
      const page = await httpGet(`${testApp.http}/`, {
        Host: `${host}:${port}`,
      });
      expect(page.status).toBe(200);
      const client = await connect({
        Host: `${host}:${port}`,
        Origin: `http://${host}:${port}`,
      });
      await client.close();
    },
  );

  it('should refuse a rebinding DNS name with 400, on HTTP and on the upgrade', async () => {
    const page = await httpGet(`${testApp.http}/`, {
      Host: `evil.com:${port}`,
    });
    expect(page.status).toBe(400);
    // Probes address instances by IP or service name, whatever ALLOWED_HOSTS says.
    const probe = await httpGet(`${testApp.http}/healthz`, {
      Host: `app1:${port}`,
    });
    expect(probe.status).toBe(200);
    await expect(
      connect({ Host: `evil.com:${port}`, Origin: `http://evil.com:${port}` }),
    ).rejects.toThrow('refused with 400');
  });

  it('should allow ALLOWED_HOSTS patterns as Django does (.example.com for subdomains)', async () => {
    const other = await createApp({ ALLOWED_HOSTS: '.example.com' });
    try {
      for (const host of [
        'example.com',
        'chat.example.com',
        'CHAT.example.com.',
      ]) {
        await expect(
          httpGet(`${other.http}/`, { Host: host }),
        ).resolves.toMatchObject({ status: 200 });
      }
      await expect(
        httpGet(`${other.http}/`, { Host: 'badexample.com' }),
      ).resolves.toMatchObject({ status: 400 });
      await expect(
        httpGet(`${other.http}/`, { Host: '127.0.0.1' }),
      ).resolves.toMatchObject({ status: 400 });
    } finally {
      await other.app.close();
    }
  });

  it.each([
    ['another scheme', (p: string) => `https://127.0.0.1:${p}`],
    ['a browser extension', (p: string) => `chrome-extension://127.0.0.1:${p}`],
    ['another port', () => 'http://127.0.0.1:1'],
    ['another host', (p: string) => `http://localhost:${p}`],
    ['an opaque origin', () => 'null'],
  ])(
    'should refuse an Origin with %s with 403 by default',
    async (_what, origin) => {
      await expect(
        connect({ Host: `127.0.0.1:${port}`, Origin: origin(port) }),
      ).rejects.toThrow('refused with 403');
    },
  );

  it('should accept the page’s own origin and a client without Origin', async () => {
    const own = await connect({ Origin: testApp.http });
    const tool = await connect({});
    await Promise.all([own.close(), tool.close()]);
  });

  it('should send no X-Powered-By, and CSP, nosniff and frame options on the pages', async () => {
    for (const path of ['/', '/chat/lobby/', '/static/room.js']) {
      const { headers } = await httpGet(`${testApp.http}${path}`);
      expect(headers['x-powered-by']).toBeUndefined();
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['content-security-policy']).toEqual(
        expect.stringContaining("default-src 'self'"),
      );
      expect(headers['content-security-policy']).toEqual(
        expect.stringContaining("frame-ancestors 'none'"),
      );
    }
  });
});
