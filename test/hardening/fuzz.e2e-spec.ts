import fc from 'fast-check';
import { parseChatFrame } from '../../src/chat/chat-frame';
import { createApp, type TestApp } from '../helpers/create-app';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

const MAX_LENGTH = 50;
const MAX_PAYLOAD = 2_048;

/** Frames of every kind a client can send, over the size limit excepted. */
const frame = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc
    .record(
      {
        message: fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 60 }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        extra: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes)),
);

/** What the server sees of a frame: a string goes out as UTF-8 (lone surrogates become U+FFFD). */
function asReceived(sent: string | Buffer): string | Buffer {
  return typeof sent === 'string'
    ? Buffer.from(sent, 'utf8').toString('utf8')
    : sent;
}

describe('Gateway fuzzing (e2e, fast-check)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createApp({
      CHAT_MAX_MESSAGE_LENGTH: String(MAX_LENGTH),
      WS_MAX_PAYLOAD: String(MAX_PAYLOAD),
      CHAT_RATE_LIMIT: '1000000',
      CHAT_RATE_BURST: '1000000',
      CHAT_ADDRESS_RATE_LIMIT: '100000000',
      CHAT_ADDRESS_RATE_BURST: '1000000',
      // Every fuzzed connection comes from this one address.
      WS_HANDSHAKE_RATE_LIMIT: '100000000',
      WS_HANDSHAKE_RATE_BURST: '1000000',
    });
  });

  afterAll(async () => {
    await testApp.app.close();
  });

  it('should answer every frame once, broadcast exactly the valid ones, and keep the room working', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(frame, { minLength: 1, maxLength: 12 }),
        async (frames) => {
          const url = `${testApp.ws}/ws/chat/fuzz/`;
          const [fuzzer, observer] = [
            await WsClient.connect(url),
            await WsClient.connect(url),
          ];
          const outcomes = frames.map((sent) =>
            parseChatFrame(asReceived(sent), MAX_LENGTH),
          );
          frames.forEach((sent) => fuzzer.send(sent));
          const answers = [];
          for (let i = 0; i < frames.length; i++) {
            answers.push(await fuzzer.nextMessage());
          }
          const errorsOf = (list: unknown[]): string[] =>
            list
              .flatMap((item) =>
                typeof item === 'object' && item && 'error' in item
                  ? [String(item.error)]
                  : [],
              )
              .sort();
          expect(errorsOf(answers)).toEqual(errorsOf(outcomes));

          const valid = outcomes.flatMap((outcome) =>
            'message' in outcome ? [chatFrame(outcome.message)] : [],
          );
          observer.send({ message: 'sentinel' });
          const seen = [];
          for (let i = 0; i <= valid.length; i++) {
            seen.push(await observer.nextMessage());
          }
          expect(seen).toEqual([...valid, chatFrame('sentinel')]);
          await Promise.all([fuzzer.close(), observer.close()]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('should close only the sender of a frame over the size limit, with 1009', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: MAX_PAYLOAD + 1, max: MAX_PAYLOAD * 8 }),
        fc.boolean(),
        async (size, binary) => {
          const url = `${testApp.ws}/ws/chat/huge/`;
          const [sender, bystander] = [
            await WsClient.connect(url),
            await WsClient.connect(url),
          ];
          const payload = 'y'.repeat(size);
          sender.send(binary ? Buffer.from(payload) : payload);
          await expect(sender.closed).resolves.toMatchObject({ code: 1009 });
          bystander.send({ message: 'still here' });
          await expect(bystander.nextMessage()).resolves.toEqual(
            chatFrame('still here'),
          );
          await bystander.close();
        },
      ),
      { numRuns: 10 },
    );
  });

  it('should answer any handshake path with an upgrade or a 4xx refusal, and stay up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .string({ unit: 'binary', maxLength: 120 })
            .map((room) => `/ws/chat/${encodeURIComponent(room)}/`),
          fc.webPath(),
          fc.constantFrom('//', '/\\', '/%', '/ws/chat/%zz/', '/ws/chat/a?b=c'),
          fc.webSegment().map((segment) => `/ws/chat/${segment}`),
        ),
        async (path) => {
          const outcome = await WsClient.connect(`${testApp.ws}${path}`).then(
            async (client) => {
              await client.close();
              return 'open';
            },
            (error: Error) => error.message,
          );
          expect(outcome).toMatch(/^(open|refused with (400|403|404))$/);
        },
      ),
      { numRuns: 200 },
    );
    const client = await WsClient.connect(`${testApp.ws}/ws/chat/after/`);
    client.send({ message: 'alive' });
    await expect(client.nextMessage()).resolves.toEqual(chatFrame('alive'));
    await client.close();
  });
});
