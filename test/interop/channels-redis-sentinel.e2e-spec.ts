import { createApp, type TestApp } from '../helpers/create-app';
import { pollUntil } from '../helpers/poll-until';
import { PythonPeer } from '../helpers/python-peer';
import { readyzUntil } from '../helpers/readyz';
import { SentinelSetup } from '../helpers/redis-sentinel';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

/**
 * The real channels_redis 4.0 RedisChannelLayer, configured with
 * `{"sentinels": [...], "master_name": ...}` hosts, and this app with
 * REDIS_MODE=sentinel share a chat, before and after a failover.
 */
describe('Interop with channels_redis 4.0 through Sentinel (e2e)', () => {
  let sentinel: SentinelSetup;
  let testApp: TestApp;
  let django: PythonPeer;

  beforeAll(async () => {
    sentinel = await SentinelSetup.start();
    testApp = await createApp({
      CHANNEL_LAYER: 'redis',
      REDIS_MODE: 'sentinel',
      REDIS_URL: sentinel.urls.join(','),
      REDIS_SENTINEL_MASTERS: sentinel.masterName,
    });
    django = await PythonPeer.start({
      layer: 'core',
      hosts: [
        {
          sentinels: sentinel.sentinelPorts.map((port) => ['127.0.0.1', port]),
          master_name: sentinel.masterName,
        },
      ],
    });
  });

  afterAll(async () => {
    await django.stop();
    await testApp.app.close();
    await sentinel.dispose();
  });

  /** Django → browsers, then browsers → Django, in room `room`. */
  async function chatBothWays(room: string): Promise<void> {
    const client = await WsClient.connect(`${testApp.ws}/ws/chat/${room}/`);
    // channels_redis's pool finds the new master on its next connection;
    // the call on a connection to the dead one fails first.
    await pollUntil('Django group_send', () =>
      django
        .groupSend(`chat_${room}`, { type: 'chat_message', message: 'hi' })
        .then(() => true),
    );
    await expect(client.nextMessage()).resolves.toEqual({ message: 'hi' });
    const channel = await django.newChannel();
    await django.groupAdd(`chat_${room}`, channel);
    const received = django.receive(channel);
    client.send({ message: 'hello Django' });
    await expect(client.nextMessage()).resolves.toEqual(
      chatFrame('hello Django'),
    );
    await expect(received).resolves.toEqual({
      type: 'chat.message',
      ...chatFrame('hello Django'),
    });
    await client.close();
  }

  it('should share a chat both ways, before and after the master is SIGKILLed and its replica promoted', async () => {
    await chatBothWays('before');
    await sentinel.untilPromoted(await sentinel.killMaster());
    await readyzUntil(testApp, 200);
    await chatBothWays('after');
  }, 60_000);
});
