import { createApp, type TestApp } from '../helpers/create-app';
import { scrape, scrapeUntil } from '../helpers/metrics';
import { useRedisServers } from '../helpers/use-redis-servers';
import { WsClient } from '../helpers/ws-client';

const ROUTE = 'path="/ws/chat/:room/"';

// With history on, the chat's sends go through the room's history (on its
// own Redis connections where it stores and sends in one script): counted the same.
describe.each(
  ['memory', 'redis', 'redis-pubsub'].flatMap((backend) => [
    [backend, '0'],
    [backend, '10'],
  ]),
)(
  '/metrics, CHANNEL_LAYER=%s, CHAT_HISTORY_SIZE=%s (e2e)',
  (backend, historySize) => {
    const redis = useRedisServers(backend === 'memory' ? 0 : 1);
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createApp({
        CHANNEL_LAYER: backend,
        REDIS_URL: redis[0]?.url ?? '',
        CHAT_HISTORY_SIZE: historySize,
      });
    });

    afterAll(async () => {
      await testApp.app.close();
    });

    it('should count what the clients saw', async () => {
      const room = await Promise.all(
        [0, 1, 2].map(() => WsClient.connect(`${testApp.ws}/ws/chat/counted/`)),
      );
      const elsewhere = await WsClient.connect(`${testApp.ws}/ws/chat/other/`);
      await expect(
        WsClient.connect(`${testApp.ws}/ws/nowhere/`),
      ).rejects.toThrow('refused with 404');
      await expect(
        WsClient.connect(`${testApp.ws}/ws/chat/counted/`, {
          origin: 'http://evil.example',
        }),
      ).rejects.toThrow('refused with 403');

      for (const [index, client] of room.entries()) {
        client.send({ message: `a${index}` });
        client.send({ message: `b${index}` });
      }
      room[0].send('not json');
      let received = 0;
      let frames = 0;
      for (const [index, client] of room.entries()) {
        // the first one also has the error reply to its "not json"
        for (let frame = 0; frame < (index === 0 ? 7 : 6); frame++) {
          const message = (await client.nextMessage()) as Record<
            string,
            unknown
          >;
          received += 'message' in message ? 1 : 0;
          frames++;
        }
      }
      expect(received).toBe(3 * 6);
      expect(elsewhere.pending).toBe(0);

      const samples = await scrape(testApp.http);
      // Every frame written to a socket, error replies included (one send path).
      expect(samples.get('channels_deliveries_total')).toBe(frames);
      expect(samples.get('channels_group_sends_total')).toBe(6);
      expect(samples.get('channels_frames_total{outcome="accepted"}')).toBe(6);
      expect(samples.get('channels_frames_total{outcome="invalid_json"}')).toBe(
        1,
      );
      expect(samples.get('channels_handshakes_total{outcome="accepted"}')).toBe(
        4,
      );
      expect(
        samples.get('channels_handshakes_total{outcome="not_found"}'),
      ).toBe(1);
      expect(samples.get('channels_handshakes_total{outcome="origin"}')).toBe(
        1,
      );
      expect(samples.get(`channels_connections{${ROUTE}}`)).toBe(4);
      expect(samples.get('channels_dropped_total{reason="no_handler"}')).toBe(
        0,
      );
      expect(
        samples.get(
          `channels_layer_operation_seconds_count{operation="groupSend",backend="${backend}"}`,
        ),
      ).toBe(6);
      expect(
        samples.get(
          `channels_layer_operation_seconds_count{operation="groupAdd",backend="${backend}"}`,
        ),
      ).toBe(4);
      expect(samples.get('channels_layer_backend_up')).toBe(1);
      expect(samples.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
      expect(samples.has('nodejs_heap_size_used_bytes')).toBe(true);

      await Promise.all(room.map((client) => client.close()));
      elsewhere.socket.terminate(); // gone without a close frame: 1006
      const closed = await scrapeUntil(
        testApp.http,
        (now) => now.get(`channels_connections{${ROUTE}}`) === 0,
      );
      expect(closed.get('channels_closes_total{code="1005"}')).toBe(3);
      expect(closed.get('channels_closes_total{code="1006"}')).toBe(1);
    });
  },
);
