import { setTimeout as delay } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { ReceiveTimeoutError } from '../../src/testing';
import type { TestApp } from './create-app';
import { readyzUntil } from './readyz';
import { WsClient } from './ws-client';
import { chatFrame } from './history-mode';

/** How often a chatting client tries again while the layer is down. */
const RETRY_MS = 100;
/**
 * How long a client waits for a frame it is owed: longer than a send the
 * layer holds for its 5 s command timeout, well within the test's own 60 s,
 * so a lost message fails the test by name instead of by jest's timeout.
 */
const FRAME_TIMEOUT_MS = 15_000;

/** What a chatting client saw of a failover. */
export interface FailoverFigures {
  /**
   * From the last message received before the failure to the first after, in
   * ms: the first retry that got through, or (without retries) the first
   * message once both instances are ready again.
   */
  outageMs: number;
  /** Messages sent meanwhile and answered `layer_unavailable`. */
  unavailable: number;
}

/** A Redis failure and the wait for its repair (a replica promoted). */
export interface Failover {
  kill(): Promise<void>;
  promoted(): Promise<void>;
}

/**
 * Alice on `first` and Bob on `second` chat in `room`; then `failover` kills
 * the master. While it is down, `/readyz` answers 503 with its reason and
 * Alice's messages get `layer_unavailable` replies (with `retry`, once every
 * 100 ms until the layer is back; else once, right after the 503: a
 * pub/sub layer cannot tell a lost message from one nobody received, and a
 * message it accepted then may miss the instances not yet subscribed again
 * on the promoted node: README, Known window after a failover). Once
 * the replica is promoted, both instances are ready again and the chat goes
 * on both ways on the same sockets: nobody reconnected.
 */
export async function chatThroughFailover(
  [first, second]: [TestApp, TestApp],
  room: string,
  failover: Failover,
  retry: boolean,
): Promise<FailoverFigures> {
  const alice = await WsClient.connect(`${first.ws}/ws/chat/${room}/`);
  const bob = await WsClient.connect(`${second.ws}/ws/chat/${room}/`);
  alice.send({ message: 'before' });
  expect(await received(alice, 'Alice', "her 'before'")).toEqual(
    chatFrame('before'),
  );
  expect(await received(bob, 'Bob', "'before'")).toEqual(chatFrame('before'));
  const lastBefore = Date.now();

  await failover.kill();
  await expect(readyzUntil(first, 503)).resolves.toMatchObject({
    error: { channel_layer: { status: 'down' } },
  });
  let unavailable = 0;
  let firstAfter: number | undefined;
  /** A pub/sub message accepted during the failover, which Bob may miss. */
  let missable: string | undefined;
  for (let n = 0; ; n++) {
    const message = `during ${n}`;
    alice.send({ message });
    const reply = await received(
      alice,
      'Alice',
      `a reply to her '${message}' (sent during the failover)`,
    );
    if (!isUnavailable(reply)) {
      expect(reply).toEqual(chatFrame(message));
      if (retry) {
        expect(
          await received(
            bob,
            'Bob',
            `'${message}' (accepted during the failover)`,
          ),
        ).toEqual(reply);
      } else {
        missable = message;
      }
      firstAfter = Date.now();
      break;
    }
    unavailable++;
    if (!retry) {
      break;
    }
    await delay(RETRY_MS);
  }
  await failover.promoted();
  await Promise.all([readyzUntil(first, 200), readyzUntil(second, 200)]);

  bob.send({ message: 'after' });
  let bobsNext = await received(bob, 'Bob', "his 'after'");
  if (
    missable !== undefined &&
    (bobsNext as { message?: unknown }).message === missable
  ) {
    // He got it: nothing was missed, and nothing comes twice (below).
    bobsNext = await received(bob, 'Bob', "his 'after'");
  }
  expect(bobsNext).toEqual(chatFrame('after'));
  expect(await received(alice, 'Alice', "'after'")).toEqual(chatFrame('after'));
  const outageMs = (firstAfter ?? Date.now()) - lastBefore;
  alice.send({ message: 'again' });
  expect(await received(bob, 'Bob', "'again'")).toEqual(chatFrame('again'));
  expect(await received(alice, 'Alice', "her 'again'")).toEqual(
    chatFrame('again'),
  );
  await expectStillChatting(alice, bob);
  return { outageMs, unavailable };
}

/**
 * Asserts that `clients` are still on their first connection with nothing
 * unread (none reconnected, none got a message twice), then closes them.
 */
export async function expectStillChatting(
  ...clients: WsClient[]
): Promise<void> {
  expect(clients.map((client) => client.pending)).toEqual(clients.map(() => 0));
  expect(clients.map((client) => client.socket.readyState)).toEqual(
    clients.map(() => WebSocket.OPEN),
  );
  await Promise.all(clients.map((client) => client.close()));
}

/**
 * `client`'s next frame; a frame that does not come within `FRAME_TIMEOUT_MS`
 * fails with who missed `what`, the message the failover lost.
 */
async function received(
  client: WsClient,
  who: string,
  what: string,
): Promise<unknown> {
  try {
    return await client.receiveJson({ timeoutMs: FRAME_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof ReceiveTimeoutError) {
      throw new Error(`${who} never got ${what}`, { cause: error });
    }
    throw error;
  }
}

function isUnavailable(reply: unknown): boolean {
  return (
    typeof reply === 'object' &&
    reply !== null &&
    (reply as { error?: unknown }).error === 'layer_unavailable'
  );
}
