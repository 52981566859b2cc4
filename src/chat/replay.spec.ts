import type { ChannelMessage, HistoryMessage } from '../channel-layer';
import {
  GAP_LOST,
  GAP_WAIT_MS,
  MAX_HELD_MESSAGES,
  REPLAY_LOST,
  Replay,
  type ReplayOutput,
  type ReplayStart,
} from './replay';

const stored = (id: string): HistoryMessage => ({
  type: 'chat.message',
  message: `m${id}`,
  id,
});

const message = (id?: string): ChannelMessage => ({
  type: 'chat.message',
  message: `m${id ?? ''}`,
  ...(id === undefined ? {} : { id }),
});

/** A client and a room history: what was sent, in order, and what is stored. */
class Client implements ReplayOutput {
  readonly sent: unknown[] = [];
  readonly lostFor: string[] = [];
  readonly reads: string[] = [];
  /** What `storedAfter` answers: the stored messages, or a failure. */
  history: HistoryMessage[] | undefined | Error = [];

  sendText(frame: string): void {
    this.sent.push(JSON.parse(frame));
  }

  send(message: ChannelMessage): void {
    this.sent.push(message.id ?? message.message);
  }

  storedAfter(id: string): Promise<HistoryMessage[] | undefined> {
    this.reads.push(id);
    const history = this.history;
    if (history instanceof Error) {
      return Promise.reject(history);
    }
    return Promise.resolve(
      history?.filter((message) => message.id > id) ?? undefined,
    );
  }

  lost(reason: string): void {
    this.lostFor.push(reason);
  }
}

function started(begin: ReplayStart, client: Client): Replay {
  const replay = new Replay(begin, client);
  replay.start();
  return replay;
}

describe('Replay', () => {
  let client: Client;

  beforeEach(() => {
    client = new Client();
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('should hold live messages until started, then send the history and the new ones', () => {
    const replay = new Replay(
      {
        recovered: true,
        messages: [stored('7-5'), stored('7-6')],
        after: '7-4',
      },
      client,
    );
    replay.push(message('7-6'));
    replay.push(message('7-7'));
    expect(client.sent).toEqual([]);
    replay.start();
    expect(client.sent).toEqual([{ recovered: true }, '7-5', '7-6', '7-7']);
    replay.push(message('7-8'));
    replay.start();
    expect(client.sent).toEqual([
      { recovered: true },
      '7-5',
      '7-6',
      '7-7',
      '7-8',
    ]);
  });

  it('should send no recovered frame and no history to a connection that asked for none', () => {
    const replay = started({ messages: [], after: '7-4' }, client);
    replay.push(message('7-4'));
    replay.push(message('7-5'));
    expect(client.sent).toEqual(['7-5']);
  });

  it('should pass messages without an id as they come', () => {
    const replay = started({ messages: [stored('7-0')] }, client);
    replay.push(message('7-2'));
    replay.push(message());
    expect(client.sent).toEqual(['7-0', 'm']);
  });

  it('should drop a message it sent already, even after newer ones', () => {
    const replay = started({ messages: [stored('7-0')] }, client);
    replay.push(message('7-1'));
    replay.push(message('7-2'));
    replay.push(message('7-1'));
    replay.push(message('7-0'));
    expect(client.sent).toEqual(['7-0', '7-1', '7-2']);
  });

  it('should take the first message of a later epoch as the next one', () => {
    const replay = started({ messages: [], after: '7-4' }, client);
    replay.push(message('9-0'));
    replay.push(message('7-5'));
    expect(client.sent).toEqual(['9-0']);
  });

  it('should start a room without history at sequence 0', () => {
    const replay = started({ messages: [] }, client);
    replay.push(message('9-1'));
    replay.push(message('9-0'));
    expect(client.sent).toEqual(['9-0', '9-1']);
  });

  it('should hold a message that overtook an older one until that one comes', async () => {
    const replay = started({ messages: [], after: '7-0' }, client);
    replay.push(message('7-3'));
    replay.push(message('7-2'));
    expect(client.sent).toEqual([]);
    replay.push(message('7-1'));
    expect(client.sent).toEqual(['7-1', '7-2', '7-3']);
    await jest.advanceTimersByTimeAsync(GAP_WAIT_MS);
    expect(client.reads).toEqual([]);
  });

  it('should read what did not come live from the history, then go on live', async () => {
    const replay = started({ messages: [], after: '7-0' }, client);
    client.history = [stored('7-1'), stored('7-2'), stored('7-3')];
    replay.push(message('7-3'));
    replay.push(message('7-2'));
    await jest.advanceTimersByTimeAsync(GAP_WAIT_MS - 1);
    expect(client.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(client.reads).toEqual(['7-0']);
    expect(client.sent).toEqual(['7-1', '7-2', '7-3']);
    replay.push(message('7-1'));
    replay.push(message('7-4'));
    expect(client.sent).toEqual(['7-1', '7-2', '7-3', '7-4']);
  });

  it('should skip an id the history does not have: a message never sent', async () => {
    const replay = started({ messages: [], after: '7-0' }, client);
    client.history = [stored('7-2')];
    replay.push(message('7-2'));
    await jest.advanceTimersByTimeAsync(GAP_WAIT_MS);
    expect(client.sent).toEqual(['7-2']);
    replay.push(message('7-3'));
    expect(client.sent).toEqual(['7-2', '7-3']);
  });

  it('should send in order what comes during the read, and wait again for a new gap', async () => {
    let answer: (messages: HistoryMessage[]) => void = () => undefined;
    client.storedAfter = (id) => {
      client.reads.push(id);
      return new Promise((resolve) => (answer = resolve));
    };
    const replay = started({ messages: [], after: '7-0' }, client);
    replay.push(message('7-2'));
    await jest.advanceTimersByTimeAsync(GAP_WAIT_MS);
    replay.push(message('7-3'));
    replay.push(message('7-5'));
    answer([stored('7-1'), stored('7-2')]);
    await jest.advanceTimersByTimeAsync(0);
    expect(client.sent).toEqual(['7-1', '7-2', '7-3']);
    replay.push(message('7-4'));
    expect(client.sent).toEqual(['7-1', '7-2', '7-3', '7-4', '7-5']);
    expect(client.reads).toEqual(['7-0']);
  });

  it('should give up when the history cannot give what was missed, or fails', async () => {
    const replay = started({ messages: [], after: '7-0' }, client);
    client.history = undefined;
    replay.push(message('7-2'));
    await jest.advanceTimersByTimeAsync(GAP_WAIT_MS);
    expect(client.lostFor).toEqual([GAP_LOST]);
    replay.push(message('7-1'));
    expect(client.sent).toEqual([]);

    const other = new Client();
    other.history = new Error('Redis is away');
    started({ messages: [], after: '7-0' }, other).push(message('7-2'));
    await jest.advanceTimersByTimeAsync(GAP_WAIT_MS);
    expect(other.lostFor).toEqual([GAP_LOST]);
  });

  it('should give up when more messages wait than it holds, before its history or behind a gap', () => {
    const early = new Replay({ messages: [] }, client);
    for (let n = 0; n <= MAX_HELD_MESSAGES; n++) {
      expect(client.lostFor).toEqual([]);
      early.push(message(`7-${n}`));
    }
    expect(client.lostFor).toEqual([REPLAY_LOST]);

    const behind = new Client();
    const replay = started({ messages: [], after: '7-0' }, behind);
    for (let n = 2; n <= MAX_HELD_MESSAGES + 2; n++) {
      expect(behind.lostFor).toEqual([]);
      replay.push(message(`7-${n}`));
    }
    expect(behind.lostFor).toEqual([GAP_LOST]);
  });

  it('should give up when start() has not come within the bound', () => {
    const replay = new Replay({ messages: [stored('5-0')] }, client);
    replay.startWithin(1_000);
    jest.advanceTimersByTime(999);
    expect(client.lostFor).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(client.lostFor).toEqual([REPLAY_LOST]);
  });

  it('should not give up once started, nor once disposed', () => {
    const replay = new Replay({ messages: [] }, client);
    const disposed = new Replay({ messages: [] }, client);
    replay.startWithin(1_000);
    disposed.startWithin(1_000);
    replay.start();
    disposed.dispose();
    disposed.start();
    jest.runAllTimers();
    expect(client.lostFor).toEqual([]);
  });

  it('should send nothing once disposed, not even a read that was in flight', async () => {
    const replay = started({ messages: [], after: '7-0' }, client);
    client.history = [stored('7-1'), stored('7-2')];
    replay.push(message('7-2'));
    jest.advanceTimersByTime(GAP_WAIT_MS);
    replay.dispose();
    await jest.advanceTimersByTimeAsync(0);
    replay.push(message('7-1'));
    expect(client.sent).toEqual([]);
    expect(client.lostFor).toEqual([]);
  });
});
