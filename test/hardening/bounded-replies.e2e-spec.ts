import { Module } from '@nestjs/common';
import {
  ConnectedSocket,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import {
  ChannelLayerModule,
  ConsumersModule,
  FRAME_EVENT,
  RoutedWsAdapter,
} from '../../src';
import { startTestApp } from '../../src/testing';

/** Bytes that may wait for a client before it is closed with 1013. */
const BOUND = 1024;
/** Each reply's size: large, so that the kernel's socket buffers fill soon. */
const REPLY = 10_000;

/**
 * A second gateway beside the chat's, on its own path, through Nest's
 * `@SubscribeMessage` pipeline: every frame earns a large reply, and the
 * server-side socket is kept so the test can read what waits on it.
 */
@WebSocketGateway({ path: '/ws/replies' })
class RepliesGateway {
  socket?: WebSocket;

  @SubscribeMessage(FRAME_EVENT)
  reply(@ConnectedSocket() socket: WebSocket): { error: string } {
    this.socket = socket;
    return { error: 'x'.repeat(REPLY) };
  }
}

@Module({
  imports: [ChannelLayerModule.forRoot({ backend: 'memory' }), ConsumersModule],
  providers: [RepliesGateway],
})
class RepliesModule {}

/**
 * Replies to a client's frames go through the connection's one bounded send
 * path: a client that sends without reading can make the server hold at
 * most the bound (and one frame) for it, however many replies it earns.
 */
describe('Replies to a client that never reads (e2e)', () => {
  it('should hold at most the bound for it, then close it with 1013', async () => {
    const testApp = await startTestApp(RepliesModule, {
      setup: (app) => {
        app.useWebSocketAdapter(
          new RoutedWsAdapter(app, { maxBufferedBytes: BOUND }),
        );
      },
    });
    const gateway = testApp.app.get(RepliesGateway);
    const client = await testApp.connect('/ws/replies');
    client.socket.pause();
    let peak = 0;
    // Far past what the kernel's socket buffers hold; the test fails then.
    for (let sent = 0; sent < 5_000; sent++) {
      client.sendRaw('?');
      await new Promise((resolve) => setImmediate(resolve));
      const socket = gateway.socket;
      peak = Math.max(peak, socket?.bufferedAmount ?? 0);
      if (socket && socket.readyState !== socket.OPEN) {
        break;
      }
    }
    expect(peak).toBeLessThanOrEqual(BOUND + REPLY + 100);
    client.socket.resume();
    await expect(client.closed).resolves.toMatchObject({ code: 1013 });
    await testApp.close();
  }, 60_000);
});
