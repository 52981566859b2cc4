import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { TextFrame, writeFrame } from './text-frame';
import { ConsumerConnection } from '../consumer-connection';

interface Pair {
  readonly server: WebSocketServer;
  readonly serverSide: WebSocket;
  readonly client: WebSocket;
  /** Resolves with the client's first `count` messages, each as text, with whether it was binary. */
  received(count: number): Promise<Array<[string, boolean]>>;
}

async function connect(perMessageDeflate: boolean): Promise<Pair> {
  const server = new WebSocketServer({ port: 0, perMessageDeflate });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const accepted = once(server, 'connection');
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate });
  const messages: Array<[string, boolean]> = [];
  const waiting: Array<() => void> = [];
  client.on('message', (data: Buffer, isBinary: boolean) => {
    messages.push([data.toString(), isBinary]);
    waiting.splice(0).forEach((wake) => wake());
  });
  const [[serverSide]] = (await Promise.all([
    accepted,
    once(client, 'open'),
  ])) as [[WebSocket], unknown];
  return {
    server,
    serverSide,
    client,
    received: async (count) => {
      while (messages.length < count) {
        await new Promise<void>((wake) => waiting.push(wake));
      }
      return messages.slice(0, count);
    },
  };
}

async function close(pair: Pair): Promise<void> {
  pair.client.terminate();
  await new Promise((done) => pair.server.close(done));
}

describe('TextFrame', () => {
  let pair: Pair | undefined;
  afterEach(async () => {
    if (pair) {
      await close(pair);
      pair = undefined;
    }
  });

  it.each([
    ['empty', ''],
    ['short', '{"message":"hi"}'],
    ['with a 16-bit length', 'é'.repeat(200)],
    ['with a 64-bit length', 'x'.repeat(70_000)],
  ])('reaches a client as the same text message (%s)', async (_, text) => {
    pair = await connect(false);
    writeFrame(pair.serverSide, TextFrame.of(text));
    expect(await pair.received(1)).toEqual([[text, false]]);
  });

  it('keeps its place among the frames ws frames itself (sends, pings)', async () => {
    pair = await connect(false);
    const { serverSide } = pair;
    const write = (text: string) => writeFrame(serverSide, TextFrame.of(text));
    const pong = once(pair.client, 'ping');
    serverSide.send('1');
    write('2');
    serverSide.ping();
    serverSide.send('3');
    write('4');
    expect(await pair.received(4)).toEqual([
      ['1', false],
      ['2', false],
      ['3', false],
      ['4', false],
    ]);
    await pong;
  });

  it('waits behind a Blob ws is still reading', async () => {
    pair = await connect(false);
    pair.serverSide.send(new Blob(['blob']));
    writeFrame(pair.serverSide, TextFrame.of('after'));
    expect(await pair.received(2)).toEqual([
      ['blob', true],
      ['after', false],
    ]);
  });

  it('waits behind a message ws is still compressing (permessage-deflate)', async () => {
    pair = await connect(true);
    expect(pair.serverSide.extensions).toContain('permessage-deflate');
    const large = 'compressible '.repeat(10_000);
    // ws compresses asynchronously: a frame written past its queue would arrive first.
    pair.serverSide.send(large);
    writeFrame(pair.serverSide, TextFrame.of('after'));
    expect(await pair.received(2)).toEqual([
      [large, false],
      ['after', false],
    ]);
  });
});

describe('corkForTurn, through ConsumerConnection', () => {
  const pairs: Pair[] = [];
  afterEach(async () => {
    await Promise.all(pairs.splice(0).map(close));
  });

  async function connection(
    maxBufferedBytes?: number,
  ): Promise<[ConsumerConnection, Pair]> {
    const pair = await connect(false);
    pairs.push(pair);
    const consumer = new ConsumerConnection('c', {}, { headers: {}, url: '/' });
    consumer.attach(pair.serverSide, maxBufferedBytes);
    return [consumer, pair];
  }

  /** The TCP connection under the pair's server side. */
  const netSocket = (pair: Pair): Socket =>
    (pair.serverSide as unknown as { _socket: Socket })._socket;
  const corked = (pair: Pair): number => netSocket(pair).writableCorked;

  it("writes a turn's first frame at once and holds the rest until the turn ends, in order", async () => {
    const [consumer, pair] = await connection();
    consumer.sendFrame(TextFrame.of('1'));
    expect(corked(pair)).toBe(0);
    consumer.sendText('2');
    consumer.sendFrame(TextFrame.of('3'));
    expect(corked(pair)).toBe(1);
    expect(await pair.received(3)).toEqual([
      ['1', false],
      ['2', false],
      ['3', false],
    ]);
    expect(corked(pair)).toBe(0);
    consumer.sendText('4');
    expect(corked(pair)).toBe(0);
    expect(await pair.received(4)).toContainEqual(['4', false]);
  });

  it('uncorks every socket of the turn', async () => {
    const both = await Promise.all([connection(), connection()]);
    for (const text of ['1', '2']) {
      for (const [consumer] of both) {
        consumer.sendText(text);
      }
    }
    for (const [, pair] of both) {
      expect(await pair.received(2)).toEqual([
        ['1', false],
        ['2', false],
      ]);
    }
  });

  it('does not count what the turn holds back against the bound on waiting bytes', async () => {
    const [consumer, pair] = await connection(1_024);
    const texts = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(500, 'x'));
    for (const text of texts) {
      consumer.sendText(text);
    }
    expect(corked(pair)).toBe(1);
    expect(await pair.received(20)).toEqual(texts.map((text) => [text, false]));
    expect(pair.serverSide.readyState).toBe(WebSocket.OPEN);
    expect(corked(pair)).toBe(0);
  });

  it('uncorks the other sockets when one uncork throws, and closes that one', async () => {
    const [[failing, failingPair], [other, otherPair]] = await Promise.all([
      connection(),
      connection(),
    ]);
    const closed = once(failingPair.client, 'close');
    jest.spyOn(netSocket(failingPair), 'uncork').mockImplementationOnce(() => {
      throw new Error('uncork failed');
    });
    // Pre-framed: ws's own send corks and uncorks around a two-part frame.
    for (const text of ['1', '2']) {
      failing.sendFrame(TextFrame.of(text));
      other.sendFrame(TextFrame.of(text));
    }
    expect(await otherPair.received(2)).toEqual([
      ['1', false],
      ['2', false],
    ]);
    await closed;
  });

  it('ends a turn under fake timers too', async () => {
    const [consumer, pair] = await connection();
    jest.useFakeTimers();
    try {
      consumer.sendText('1');
      consumer.sendText('2');
      expect(await pair.received(2)).toEqual([
        ['1', false],
        ['2', false],
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets a close made in the same turn follow what was written before it', async () => {
    const [consumer, pair] = await connection();
    const closed = once(pair.client, 'close');
    consumer.sendText('first');
    consumer.sendText('last');
    consumer.close(1000, 'bye');
    expect(await pair.received(2)).toEqual([
      ['first', false],
      ['last', false],
    ]);
    const [code] = (await closed) as [number];
    expect(code).toBe(1000);
  });
});
