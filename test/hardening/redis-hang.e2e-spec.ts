import { createApp, type TestApp } from '../helpers/create-app';
import { RedisServer } from '../helpers/redis-server';
import { WsClient } from '../helpers/ws-client';

/** How long Redis stays frozen (SIGSTOP), as a stuck failover or a partition. */
const HANG_MS = 15_000;
/** Milliseconds between two messages of one chatting client (10/s, under the rate limit). */
const PACE_MS = 100;

/** One chatting client: what it sent, and what it received. */
class Chatter {
  readonly sent: string[] = [];
  readonly received: string[] = [];
  errors = 0;
  private timer?: NodeJS.Timeout;
  private waiters: Array<{
    test: (text: string) => boolean;
    resolve: () => void;
  }> = [];

  constructor(
    readonly name: string,
    readonly client: WsClient,
  ) {
    client.socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as {
        message?: string;
        error?: string;
      };
      if (frame.error !== undefined) {
        this.errors++;
        return;
      }
      const text = frame.message as string;
      this.received.push(text);
      const [met, left] = [
        this.waiters.filter((waiter) => waiter.test(text)),
        this.waiters.filter((waiter) => !waiter.test(text)),
      ];
      this.waiters = left;
      met.forEach((waiter) => waiter.resolve());
    });
  }

  /** Sends a message every `PACE_MS` until `stop()`. */
  chat(): void {
    this.timer = setInterval(() => this.send(), PACE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  send(): string {
    const text = `${this.name}:${this.sent.length}`;
    this.sent.push(text);
    this.client.send({ message: text });
    return text;
  }

  /** Resolves once a message passing `test` has been received (now or later). */
  until(test: (text: string) => boolean): Promise<void> {
    if (this.received.some(test)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Resolves once one of its own messages from the `from`th on has come back. */
  untilOwnFrom(from: number): Promise<void> {
    return this.until(
      (text) =>
        text.startsWith(`${this.name}:`) &&
        Number(text.slice(this.name.length + 1)) >= from,
    );
  }
}

/**
 * A Redis that hangs while people chat: every message is either delivered,
 * once, to every member of its room, or answered with an error to its
 * sender, never both and never neither; chat resumes by itself, nobody
 * reconnects.
 */
describe.each(['redis', 'redis-pubsub'])(
  'A Redis that hangs for 15 s, CHANNEL_LAYER=%s (e2e)',
  (backend) => {
    let redis: RedisServer;
    let testApp: TestApp;

    beforeAll(async () => {
      redis = await RedisServer.start();
      testApp = await createApp({
        CHANNEL_LAYER: backend,
        REDIS_URL: redis.url,
      });
    });

    afterAll(async () => {
      redis.thaw();
      await testApp.app.close();
      await redis.dispose();
    });

    it('should deliver each message once or answer it with an error, and chat again without reconnecting', async () => {
      const chatters: Chatter[] = [];
      for (const room of ['a', 'b']) {
        for (const n of [0, 1, 2]) {
          const client = await WsClient.connect(
            `${testApp.ws}/ws/chat/hang-${room}/`,
          );
          chatters.push(new Chatter(`${room}${n}`, client));
        }
      }
      const roomOf = (chatter: Chatter): Chatter[] =>
        chatters.filter((other) => other.name[0] === chatter.name[0]);

      // Quiet when Redis freezes: no command is half done at that instant.
      await Promise.all(
        chatters.map((c) => {
          const text = c.send();
          return c.until((received) => received === text);
        }),
      );
      redis.freeze();
      chatters.forEach((c) => c.chat());
      await new Promise((resolve) => setTimeout(resolve, HANG_MS));
      redis.thaw();
      // Chat resumes: a message sent after the thaw comes back to its sender.
      await Promise.all(chatters.map((c) => c.untilOwnFrom(c.sent.length)));
      chatters.forEach((c) => c.stop());
      // A sender's last message, once everyone in its room has it, comes
      // after all of that sender's earlier ones (order per sender).
      const last = chatters.map((c) => c.send());
      await Promise.all(
        chatters.flatMap((c, n) =>
          roomOf(c).map((member) => member.until((text) => text === last[n])),
        ),
      );

      for (const chatter of chatters) {
        const delivered = chatter.received.filter((text) =>
          text.startsWith(`${chatter.name}:`),
        );
        expect(new Set(delivered).size).toBe(delivered.length);
        expect(delivered.length + chatter.errors).toBe(chatter.sent.length);
        for (const member of roomOf(chatter)) {
          expect(
            member.received.filter((text) =>
              text.startsWith(`${chatter.name}:`),
            ),
          ).toEqual(delivered);
        }
        expect(chatter.client.socket.readyState).toBe(
          chatter.client.socket.OPEN,
        );
      }
      expect(chatters.some((c) => c.errors > 0)).toBe(true);
      await Promise.all(chatters.map((c) => c.client.close()));
    }, 60_000);
  },
);
