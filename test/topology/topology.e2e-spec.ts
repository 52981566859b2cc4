import { Topology } from '../helpers/topology';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

/** The replica HAProxy says answered (docker/haproxy.cfg's X-Served-By). */
function servedBy(client: WsClient): string | undefined {
  const value = client.upgradeHeaders['x-served-by'];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A client of `room` through the balancer that landed on `instance`. The
 * balancer sends a new socket to the replica holding the fewest, taking turns
 * on a tie, so the second try lands there if the first did not; a miss is
 * closed.
 */
async function connectOn(
  topology: Topology,
  room: string,
  instance: string,
): Promise<WsClient> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const client = await WsClient.connect(`${topology.ws}/ws/chat/${room}/`);
    if (servedBy(client) === instance) {
      return client;
    }
    await client.close();
  }
  throw new Error(`no connection landed on ${instance}`);
}

/** The next `count` frames of `client`. */
async function nextMessages(
  client: WsClient,
  count: number,
): Promise<unknown[]> {
  const frames: unknown[] = [];
  while (frames.length < count) {
    frames.push(await client.nextMessage());
  }
  return frames;
}

// docker/compose.yaml's deployment, without containers: HAProxy in front of two
// `node dist/main.js` processes sharing a Redis pub/sub channel layer.
describe('Production topology through HAProxy (e2e)', () => {
  let topology: Topology;
  const clients: WsClient[] = [];

  /** Keeps `client` for `afterEach` to close. */
  function track(client: WsClient): WsClient {
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    topology = await Topology.start();
  });

  afterEach(() => {
    for (const client of clients.splice(0)) {
      client.socket.terminate();
    }
  });

  afterAll(async () => {
    await topology?.stop();
  });

  it('should serve HTTP and the health checks from both replicas', async () => {
    const served = new Set<string | null>();
    for (let request = 0; request < 2; request++) {
      const response = await fetch(`${topology.http}/readyz`);
      expect(response.status).toBe(200);
      served.add(response.headers.get('x-served-by'));
    }
    expect(served).toEqual(new Set(['app1', 'app2']));
  });

  it('should chat in one room with clients on different instances', async () => {
    const alice = track(await connectOn(topology, 'lobby', 'app1'));
    const bob = track(await connectOn(topology, 'lobby', 'app2'));
    const carol = track(await connectOn(topology, 'kitchen', 'app2'));

    alice.send({ message: 'from app1' });
    bob.send({ message: 'from app2' });

    for (const client of [alice, bob]) {
      const frames = await nextMessages(client, 2);
      expect(frames).toHaveLength(2);
      expect(frames).toEqual(
        expect.arrayContaining([
          chatFrame('from app1'),
          chatFrame('from app2'),
        ]),
      );
    }
    // The layer keeps per-connection order, so carol's own message comes
    // after anything the lobby could have leaked to her.
    carol.send({ message: 'kitchen only' });
    await expect(carol.nextMessage()).resolves.toEqual(
      chatFrame('kitchen only'),
    );
    expect(carol.pending).toBe(0);
  });

  it('should move the clients of a stopped instance to the other one and lose nothing sent after', async () => {
    const alice = track(await connectOn(topology, 'stage', 'app1'));
    const bob = track(await connectOn(topology, 'stage', 'app2'));
    const app1 = topology.instance('app1').process;

    const exited = app1.stop('SIGTERM');
    await expect(alice.closed).resolves.toMatchObject({ code: 1001 });
    // What the room page does on close: connect again at once, through the
    // balancer. app1 may still be draining (it refuses upgrades with 503) or
    // gone (connection refused); either way HAProxy retries on app2.
    const alice2 = track(
      await WsClient.connect(`${topology.ws}/ws/chat/stage/`),
    );
    expect(servedBy(alice2)).toBe('app2');
    // Nest runs its shutdown hooks (sockets closed with 1001, groups left,
    // layer closed), then re-raises the signal: status 143 in a container.
    await expect(exited).resolves.toEqual({ code: null, signal: 'SIGTERM' });
    expect(app1.output).not.toMatch(/ERROR/);

    const count = 25;
    for (let index = 0; index < count; index++) {
      alice2.send({ message: `alice ${index}` });
      bob.send({ message: `bob ${index}` });
    }
    for (const client of [alice2, bob]) {
      const texts = (await nextMessages(client, 2 * count)).map(
        (frame) => (frame as { message: string }).message,
      );
      // Every message arrives, and each sender's in the order sent.
      expect(texts.filter((text) => text.startsWith('alice '))).toEqual(
        Array.from({ length: count }, (_, index) => `alice ${index}`),
      );
      expect(texts.filter((text) => text.startsWith('bob '))).toEqual(
        Array.from({ length: count }, (_, index) => `bob ${index}`),
      );
    }

    // The balancer's health check on /readyz notices the stop too.
    await topology.balancer.waitForLine(/Server app\/app1 is DOWN/);
  });
});
