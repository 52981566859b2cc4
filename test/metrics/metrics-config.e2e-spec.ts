import { ChannelLayer } from '../../src/channel-layer';
import { MeasuredChannelLayer } from '../../src/metrics/measured-channel-layer';
import { createApp, type TestApp } from '../helpers/create-app';
import { scrape } from '../helpers/metrics';
import { freePort } from '../helpers/redis-server';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

describe('METRICS_ENABLED and METRICS_PORT (e2e)', () => {
  let testApp: TestApp | undefined;

  afterEach(async () => {
    await testApp?.app.close();
  });

  it('should serve no /metrics and leave the layer unwrapped when off', async () => {
    testApp = await createApp({ METRICS_ENABLED: 'false' });
    expect((await fetch(`${testApp.http}/metrics`)).status).toBe(404);
    expect(testApp.app.get(ChannelLayer)).not.toBeInstanceOf(
      MeasuredChannelLayer,
    );
    const client = await WsClient.connect(`${testApp.ws}/ws/chat/quiet/`);
    client.send({ message: 'still chatting' });
    await expect(client.nextMessage()).resolves.toEqual(
      chatFrame('still chatting'),
    );
    await client.close();
  });

  it('should serve /metrics on METRICS_PORT only', async () => {
    const port = await freePort();
    testApp = await createApp({
      HOST: '127.0.0.1',
      METRICS_PORT: String(port),
    });
    expect(testApp.app.get(ChannelLayer)).toBeInstanceOf(MeasuredChannelLayer);
    expect((await fetch(`${testApp.http}/metrics`)).status).toBe(404);
    const samples = await scrape(`http://127.0.0.1:${port}`);
    expect(samples.get('channels_deliveries_total')).toBe(0);
    expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(
      404,
    );
  });
});
