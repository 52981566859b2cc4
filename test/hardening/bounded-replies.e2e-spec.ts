import { Logger } from '@nestjs/common';
import { of, type Observable } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { Consumer } from '../../src/consumers';
// The frame binding is tested below the adapter, on a bare ws server: an
// internal of the runtime on purpose, the one exception to the entry-points rule.
// eslint-disable-next-line no-restricted-imports
import { bindFrameHandlers } from '../../src/consumers/bind-frame-handlers';
import { WsClient } from '../helpers/ws-client';

/** Bytes that may wait for a client before it is closed with 1013. */
const BOUND = 1024;
/** Each reply's size: large, so that the kernel's socket buffers fill soon. */
const REPLY = 10_000;

/**
 * Replies to a client's frames go through the connection's one bounded send
 * path: a client that sends without reading can make the server hold at
 * most the bound (and one frame) for it, however many replies it earns.
 */
describe('Replies to a client that never reads (e2e)', () => {
  it('should hold at most the bound for it, then close it with 1013', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const accepted = new Promise<WebSocket>((resolve) =>
      server.once('connection', (socket: WebSocket) => {
        new Consumer('replies', {}, { headers: {}, url: '/' }).attach(
          socket,
          BOUND,
        );
        bindFrameHandlers(
          socket,
          [
            {
              message: 'frame',
              methodName: 'reply',
              isAckHandledManually: false,
              callback: () => of({ error: 'x'.repeat(REPLY) }),
            },
          ],
          (result) => result as Observable<unknown>,
          () => ({ event: 'frame', data: undefined }),
          new Logger('test'),
        );
        resolve(socket);
      }),
    );
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const client = await WsClient.connect(`ws://127.0.0.1:${port}/`);
    const socket = await accepted;
    client.socket.pause();
    let peak = 0;
    let sent = 0;
    const closing = new Promise<void>((resolve) => {
      const check = (): void => {
        peak = Math.max(peak, socket.bufferedAmount);
        // Far past what the kernel's socket buffers hold (the test fails then).
        if (socket.readyState !== socket.OPEN || ++sent > 5_000) {
          return resolve();
        }
        client.send('?');
        setImmediate(check);
      };
      check();
    });
    await closing;
    expect(peak).toBeLessThanOrEqual(BOUND + REPLY + 100);
    client.socket.resume();
    await expect(client.closed).resolves.toMatchObject({ code: 1013 });
    await new Promise((resolve) => server.close(resolve));
  }, 60_000);
});
