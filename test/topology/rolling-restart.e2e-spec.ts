import { setTimeout as delay } from 'node:timers/promises';
import { Topology } from '../helpers/topology';
import { WsClient } from '../helpers/ws-client';

interface Frame {
  message?: string;
  id?: string;
  recovered?: boolean;
}

/** Clients in the room, and the total rate at which they chat. */
const CLIENTS = 20;
const MESSAGES_PER_SECOND = 50;
/** Pause before trying the balancer again after a refused connection: a backoff, as the room page's. */
const RETRY_MS = 100;

/**
 * A chat client that reconnects through the balancer whenever its socket
 * closes, as the room page does: with `?since=<last id>` when the room
 * keeps history.
 */
class ResumingClient {
  readonly received: Frame[] = [];
  private client?: WsClient;
  private lastId?: string;
  private stopped = false;
  private readonly loop: Promise<void>;
  private waiters: Array<{ text: string; resolve: () => void }> = [];
  private opened: Array<() => void> = [];

  constructor(private readonly url: string) {
    this.loop = this.run();
  }

  /** Sends `text` if connected; false when the socket is not open. */
  send(text: string): boolean {
    if (!this.client || !isOpen(this.client)) {
      return false;
    }
    this.client.send({ message: text });
    return true;
  }

  /** Resolves once `text` has arrived. */
  waitFor(text: string): Promise<void> {
    if (this.received.some((frame) => frame.message === text)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push({ text, resolve }));
  }

  /** Resolves while a socket is open (it has joined the room). */
  whenOpen(): Promise<void> {
    if (this.client && isOpen(this.client)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.opened.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const query = this.lastId
        ? `?since=${encodeURIComponent(this.lastId)}`
        : '';
      let client: WsClient;
      try {
        client = await WsClient.connect(`${this.url}${query}`);
      } catch {
        await delay(RETRY_MS);
        continue;
      }
      this.client = client;
      if (this.stopped) {
        await client.close();
        return;
      }
      this.opened.splice(0).forEach((resolve) => resolve());
      for (;;) {
        let frame: Frame;
        try {
          frame = (await client.nextMessage()) as Frame;
        } catch {
          break;
        }
        this.take(frame);
      }
    }
  }

  private take(frame: Frame): void {
    if (frame.message === undefined) {
      return;
    }
    this.received.push(frame);
    this.lastId = frame.id ?? this.lastId;
    const done = this.waiters.filter((waiter) => waiter.text === frame.message);
    this.waiters = this.waiters.filter((waiter) => !done.includes(waiter));
    done.forEach((waiter) => waiter.resolve());
  }
}

function isOpen(client: WsClient): boolean {
  return client.socket.readyState === client.socket.OPEN;
}

/** Messages each client lacks of those any client received, and its duplicates. */
function losses(clients: ResumingClient[]): { lost: number[]; dups: number[] } {
  const all = new Set(
    clients.flatMap((client) => client.received.map((frame) => frame.message)),
  );
  return {
    lost: clients.map(
      (client) =>
        all.size - new Set(client.received.map((frame) => frame.message)).size,
    ),
    dups: clients.map(
      (client) =>
        client.received.length -
        new Set(client.received.map((frame) => frame.message)).size,
    ),
  };
}

// The issue 16 measure: both replicas of docker/compose.yaml's deployment
// restarted one after the other while 20 clients chat at 50 messages/s.
describe.each([
  ['off', '0'],
  ['on', '100000'],
])('Rolling restart with room history %s (e2e)', (history, size) => {
  let topology: Topology;
  const clients: ResumingClient[] = [];

  beforeAll(async () => {
    topology = await Topology.start({ CHAT_HISTORY_SIZE: size });
  });

  afterAll(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
    await topology?.stop();
  });

  it('should count the messages each client lost across the restart of both replicas', async () => {
    const url = `${topology.ws}/ws/chat/rolling/`;
    for (let n = 0; n < CLIENTS; n++) {
      const client = new ResumingClient(url);
      clients.push(client);
    }
    // Everyone in the room and with a first message (and id) before the deploy.
    await Promise.all(clients.map((client) => client.whenOpen()));
    expect(clients[0].send('start')).toBe(true);
    await Promise.all(clients.map((client) => client.waitFor('start')));
    let sent = 0;
    const chatting = setInterval(() => {
      // Round robin over the clients, skipping one whose socket is closed.
      for (let tries = 0; tries < CLIENTS; tries++) {
        const client = clients[sent % CLIENTS];
        sent += 1;
        if (client.send(`m${sent}`)) {
          return;
        }
      }
    }, 1000 / MESSAGES_PER_SECOND);
    try {
      await topology.restart('app1');
      await topology.restart('app2');
    } finally {
      clearInterval(chatting);
    }
    // Every client, back in the room, hears one last message.
    await Promise.all(clients.map((client) => client.whenOpen()));
    expect(clients[0].send('end')).toBe(true);
    await Promise.all(clients.map((client) => client.waitFor('end')));

    const { lost, dups } = losses(clients);
    console.info(
      `history ${history}: ${sent} sends, lost per client ${JSON.stringify(lost)}, duplicates ${JSON.stringify(dups)}`,
    );
    expect(dups.every((count) => count === 0)).toBe(true);
    if (history === 'on') {
      expect(lost.every((count) => count === 0)).toBe(true);
      for (const client of clients) {
        const ids = client.received.map((frame) => frame.id ?? '');
        const sorted = [...ids].sort((a, b) => {
          const [aMs, aSeq] = a.split('-').map(BigInt);
          const [bMs, bSeq] = b.split('-').map(BigInt);
          return aMs === bMs ? Number(aSeq - bSeq) : Number(aMs - bMs);
        });
        expect(ids).toEqual(sorted);
      }
    }
  }, 120_000);
});
