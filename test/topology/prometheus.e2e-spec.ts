import { PrometheusServer } from '../helpers/prometheus';
import { Topology } from '../helpers/topology';
import { WsClient } from '../helpers/ws-client';

// docker/compose.yaml's Prometheus, without containers: Debian's `prometheus`
// scraping both replicas of the loopback topology, read through its HTTP API.
describe('Prometheus scraping both replicas (e2e)', () => {
  let topology: Topology;
  let prometheus: PrometheusServer;
  const clients: WsClient[] = [];

  beforeAll(async () => {
    topology = await Topology.start();
    prometheus = await PrometheusServer.start(
      topology.instances.map(({ port }) => `127.0.0.1:${port}`),
    );
    // Four processes to start (Redis, two apps, HAProxy), then Prometheus:
    // on a busy machine that takes longer than one test's default.
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) {
      client.socket.terminate();
    }
    await prometheus?.stop();
    await topology?.stop();
  });

  it('should add up, over both replicas, to what the clients received', async () => {
    // The balancer spreads connections over both replicas (least connections).
    for (let client = 0; client < 4; client++) {
      clients.push(await WsClient.connect(`${topology.ws}/ws/chat/scraped/`));
    }
    const served = clients.map(
      (client) => client.upgradeHeaders['x-served-by'] as string,
    );
    expect(new Set(served)).toEqual(new Set(['app1', 'app2']));

    for (const [index, client] of clients.entries()) {
      client.send({ message: `hello ${index}` });
    }
    let received = 0;
    for (const client of clients) {
      for (let frame = 0; frame < clients.length; frame++) {
        await expect(client.nextMessage()).resolves.toHaveProperty('message');
        received++;
      }
    }
    expect(received).toBe(16);

    await prometheus.scrapedAfter(Date.now() / 1_000, 2);
    const [deliveries] = await prometheus.query(
      'sum(channels_deliveries_total)',
    );
    expect(deliveries.value).toBe(received);
    const [accepted] = await prometheus.query(
      'sum(channels_frames_total{outcome="accepted"})',
    );
    expect(accepted.value).toBe(clients.length);
    const up = await prometheus.query('channels_layer_backend_up');
    expect(up.map(({ value }) => value)).toEqual([1, 1]);
    const open = await prometheus.query('sum(channels_connections)');
    expect(open[0].value).toBe(clients.length);
  });

  it('should not serve /metrics through the public balancer', async () => {
    expect((await fetch(`${topology.http}/metrics`)).status).toBe(404);
  });
});
