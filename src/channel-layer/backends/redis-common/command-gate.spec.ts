import type { Logger } from '@nestjs/common';
import { ChannelLayerUnavailableError } from '../../errors';
import {
  CommandGate,
  DEFAULT_COMMAND_LIMITS,
  SCRIPT_DEADLINE_MARGIN_MS,
} from './command-gate';
import type { RedisConnection } from './redis-connection';

const TIMEOUT_MS = DEFAULT_COMMAND_LIMITS.timeoutMs;

/** A command ioredis has sent and not answered: the test settles it. */
interface Sent {
  readonly deadline: number;
  answer(value: string): void;
  fail(error: Error): void;
}

/**
 * A gate over a stand-in connection, to drive its clock with fake timers:
 * the connection is ready once `ready` resolves, every command is recorded
 * in `sent` unanswered, and a cut fails every unanswered one the way ioredis
 * does when its stream is destroyed.
 */
function gateOver(ready: Promise<void> = Promise.resolve()): {
  gate: CommandGate;
  /** A command's call: recorded in `sent`, unanswered. */
  call: (client: unknown, deadline: number) => Promise<string>;
  /** Issues one command through the gate. */
  send: () => Promise<string>;
  sent: Sent[];
  cuts: () => number;
  warn: jest.Mock;
} {
  const sent: Sent[] = [];
  const open = new Set<Sent>();
  const connection = {
    name: 'test',
    client: {},
    whenReady: () => ready,
    unavailable: (cause: unknown) =>
      new ChannelLayerUnavailableError('redis', cause),
  } as unknown as RedisConnection;
  const warn = jest.fn();
  const logger = { warn, debug: jest.fn() } as unknown as Logger;
  let cuts = 0;
  const gate = new CommandGate(connection, logger, {
    cut: () => {
      cuts++;
      for (const command of open) {
        command.fail(new Error('Connection is closed.'));
      }
    },
  });
  const call = (_client: unknown, deadline: number): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const command: Sent = {
        deadline,
        answer: (value) => {
          open.delete(command);
          resolve(value);
        },
        fail: (error) => {
          open.delete(command);
          reject(error);
        },
      };
      open.add(command);
      sent.push(command);
    });
  return {
    gate,
    call,
    send: () => gate.run(call),
    sent,
    cuts: () => cuts,
    warn,
  };
}

/** Whether `promise` has settled, and how. */
function watch(promise: Promise<unknown>): { outcome?: 'resolved' | Error } {
  const state: { outcome?: 'resolved' | Error } = {};
  promise.then(
    () => (state.outcome = 'resolved'),
    (error: Error) => (state.outcome = error),
  );
  return state;
}

describe('CommandGate', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('counts a command’s deadline from its issue, the wait for a new client’s first connection included', async () => {
    let connected!: () => void;
    const { send, sent } = gateOver(
      new Promise<void>((resolve) => (connected = resolve)),
    );
    const command = watch(send());
    await jest.advanceTimersByTimeAsync(4_000);
    connected();
    await jest.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    expect(sent[0].deadline).toBeLessThanOrEqual(TIMEOUT_MS);
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS - 4_000 - 1);
    expect(command.outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(command.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
  });

  it('counts a deadline from the issue time its caller gives, and fails at once a command whose deadline passed while it waited to be issued', async () => {
    const { gate, call, sent } = gateOver();
    await jest.advanceTimersByTimeAsync(10_000);
    const waited = watch(gate.run(call, 0, 1, 10_000 - 4_000));
    await jest.advanceTimersByTimeAsync(0);
    expect(sent[0].deadline).toBeLessThanOrEqual(10_000 + 1_000);
    await jest.advanceTimersByTimeAsync(1_000 - 1);
    expect(waited.outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(waited.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    const late = watch(gate.run(call, 0, 1, 11_000 - TIMEOUT_MS));
    await jest.advanceTimersByTimeAsync(0);
    expect(late.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect(sent).toHaveLength(1);
  });

  it('fails at once, unsent, a command with less than the scripts’ margin left of its time when it could be issued (a later step of a send)', async () => {
    const { gate, call, sent } = gateOver();
    await jest.advanceTimersByTimeAsync(10_000);
    const margin = SCRIPT_DEADLINE_MARGIN_MS;
    const nearlyOver = watch(
      gate.run(call, 0, 1, 10_000 - TIMEOUT_MS + margin - 1),
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(nearlyOver.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect(sent).toHaveLength(0);
    const inTime = watch(
      gate.run(call, 0, 1, 10_000 - TIMEOUT_MS + margin + 1),
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(inTime.outcome).toBeUndefined();
    expect(sent).toHaveLength(1);
  });

  it('fails a command at its own deadline when it is earlier than that of a command run before it (it waited to be issued)', async () => {
    const { gate, call, send } = gateOver();
    await jest.advanceTimersByTimeAsync(10_000);
    const direct = watch(send());
    const waited = watch(gate.run(call, 0, 1, 10_000 - 3_000));
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS - 3_000);
    expect(waited.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect(direct.outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(direct.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
  });

  it('tells the caller of a command the cut failed before its deadline at that deadline, not at the cut (Redis may still run it until then)', async () => {
    const { send, sent, cuts } = gateOver();
    const first = watch(send());
    await jest.advanceTimersByTimeAsync(2_000);
    const second = watch(send());
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS - 2_000);
    expect(first.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect(cuts()).toBe(1);
    expect(second.outcome).toBeUndefined();
    // Its script's deadline, which Redis checks, is before the caller hears.
    expect(sent[1].deadline).toBeLessThan(2_000 + TIMEOUT_MS);
    await jest.advanceTimersByTimeAsync(2_000 - 1);
    expect(second.outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(second.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect(cuts()).toBe(1);
  });

  // A redirection sent it on to another node (`SentAway`): that node's
  // silence is not this connection's.
  it('fails at its deadline, and cuts nothing for, a command sent away that gets no reply, or fails without one', async () => {
    const { gate, call, cuts } = gateOver();
    const sendAway = (): Promise<string> =>
      gate.run((client, deadline, away) => {
        away();
        return call(client, deadline);
      });
    const silent = watch(sendAway());
    const closed = watch(
      gate.run((_, __, away) => {
        away();
        return Promise.reject(new Error('Connection is closed.'));
      }),
    );
    const refused = watch(
      gate.run((_, __, away) => {
        away();
        return Promise.reject(
          Object.assign(new Error('ERR unknown command'), {
            name: 'ReplyError',
          }),
        );
      }),
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(refused.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect(closed.outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(silent.outcome).toBeUndefined();
    expect(closed.outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(silent.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect(closed.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect(cuts()).toBe(0);
  });

  it('fails at once a command that fails on its own, without a cut', async () => {
    const { send, sent, cuts } = gateOver();
    const command = watch(send());
    await jest.advanceTimersByTimeAsync(0);
    sent[0].fail(new Error('ERR wrong number of arguments'));
    await jest.advanceTimersByTimeAsync(0);
    expect(command.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect(cuts()).toBe(0);
  });

  it('logs one warning per hang, however many deadlines pass in it, and one again for the next hang', async () => {
    const { send, sent, warn } = gateOver();
    for (let pass = 0; pass < 3; pass++) {
      void send().catch(() => undefined);
      await jest.advanceTimersByTimeAsync(TIMEOUT_MS);
    }
    expect(warn).toHaveBeenCalledTimes(1);
    const answered = send();
    await jest.advanceTimersByTimeAsync(0);
    sent[sent.length - 1].answer('OK');
    await expect(answered).resolves.toBe('OK');
    void send().catch(() => undefined);
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('refuses at once what is past its bound while Redis holds the rest, and takes new commands once the cut freed them', async () => {
    const { send } = gateOver();
    const held = Array.from(
      { length: DEFAULT_COMMAND_LIMITS.maxMessages },
      () => watch(send()),
    );
    const refused = watch(send());
    await jest.advanceTimersByTimeAsync(0);
    expect(refused.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect((refused.outcome as Error).message).toContain('not keeping up');
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(held.every((h) => h.outcome instanceof Error)).toBe(true);
    const next = watch(send());
    await jest.advanceTimersByTimeAsync(0);
    expect(next.outcome).toBeUndefined();
  });

  it('frees at once the share of the bound of commands the cut failed, though their callers hear at their deadlines', async () => {
    const { send } = gateOver();
    const half = DEFAULT_COMMAND_LIMITS.maxMessages / 2;
    const first = Array.from({ length: half }, () => watch(send()));
    await jest.advanceTimersByTimeAsync(2_000);
    const held = Array.from({ length: half }, () => watch(send()));
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS - 2_000);
    expect(first.every((f) => f.outcome instanceof Error)).toBe(true);
    expect(held.some((h) => h.outcome !== undefined)).toBe(false);
    const next = Array.from(
      { length: DEFAULT_COMMAND_LIMITS.maxMessages },
      () => watch(send()),
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(next.some((n) => n.outcome !== undefined)).toBe(false);
  });

  it('tells every caller not yet told when it stops, held ones included', async () => {
    const { gate, send } = gateOver();
    const first = watch(send());
    await jest.advanceTimersByTimeAsync(2_000);
    const held = watch(send());
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS - 2_000);
    expect(first.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    const waiting = watch(send());
    await jest.advanceTimersByTimeAsync(0);
    gate.stop();
    await jest.advanceTimersByTimeAsync(0);
    expect(held.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    expect(waiting.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
  });

  it('fails a command whose call throws, and keeps no share of the bound for it', async () => {
    const { gate, call } = gateOver();
    const thrown = watch(
      gate.run(() => {
        throw new Error('bad arguments');
      }, DEFAULT_COMMAND_LIMITS.maxBytes),
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(thrown.outcome).toBeInstanceOf(ChannelLayerUnavailableError);
    const next = watch(gate.run(call, DEFAULT_COMMAND_LIMITS.maxBytes));
    await jest.advanceTimersByTimeAsync(0);
    expect(next.outcome).toBeUndefined();
  });
});
