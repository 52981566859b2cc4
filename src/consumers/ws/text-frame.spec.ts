import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { Socket } from 'node:net';
import { TextFrame, writeFrame } from './text-frame';
import { corkForTurn } from './turn-cork';

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

describe('corkForTurn', () => {
  let pair: Pair | undefined;
  afterEach(async () => {
    if (pair) {
      await close(pair);
      pair = undefined;
    }
  });

  const connectionOf = (socket: WebSocket): Socket =>
    (socket as unknown as { _socket: Socket })._socket;

  it("writes a turn's first frame at once and holds the rest until its ticks run out, in order", async () => {
    pair = await connect(false);
    const { serverSide } = pair;
    corkForTurn(serverSide);
    writeFrame(serverSide, TextFrame.of('1'));
    expect(connectionOf(serverSide).writableCorked).toBe(0);
    corkForTurn(serverSide);
    serverSide.send('2');
    writeFrame(serverSide, TextFrame.of('3'));
    expect(connectionOf(serverSide).writableCorked).toBe(1);
    expect(await pair.received(3)).toEqual([
      ['1', false],
      ['2', false],
      ['3', false],
    ]);
    expect(connectionOf(serverSide).writableCorked).toBe(0);
    writeFrame(serverSide, TextFrame.of('4'));
    expect(await pair.received(4)).toContainEqual(['4', false]);
  });

  it('lets a close made in the same turn follow what was written before it', async () => {
    pair = await connect(false);
    const { serverSide, client } = pair;
    const closed = once(client, 'close');
    for (const text of ['first', 'last']) {
      corkForTurn(serverSide);
      writeFrame(serverSide, TextFrame.of(text));
    }
    serverSide.close(1000, 'bye');
    expect(await pair.received(2)).toEqual([
      ['first', false],
      ['last', false],
    ]);
    const [code] = (await closed) as [number];
    expect(code).toBe(1000);
  });
});
