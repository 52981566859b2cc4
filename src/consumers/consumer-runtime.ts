import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { ChannelLayer } from '../channel-layer';
import { ChannelHandlerExplorer } from './channel-handler.explorer';
import { Consumer } from './consumer';
import { releaseConsumerChannel, runConsumerChannel } from './consumer-channel';
import type { ConsumerDefinition } from './consumer-definition.interface';
import { CLOSE_GOING_AWAY } from './consumers.constants';
import { HandshakeRefusedError } from './handshake-refused.error';

class HandshakeTimeoutError extends Error {}

/** `promise`, or a `HandshakeTimeoutError` after `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!Number.isFinite(ms)) {
    return promise;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HandshakeTimeoutError()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

interface Live {
  readonly definition: ConsumerDefinition;
  readonly controller: AbortController;
  ended?: Promise<void>;
}

/**
 * Binds WebSocket connections to channels: per connection a channel from
 * `newChannel()`, the gateway's `connect` before the handshake completes, one
 * receive loop while the socket is open, and `disconnect` once it closes.
 */
@Injectable()
export class ConsumerRuntime implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ConsumerRuntime.name);
  private readonly live = new Map<Consumer, Live>();
  private opening = 0;
  private shuttingDown = false;

  constructor(
    private readonly layer: ChannelLayer,
    private readonly explorer: ChannelHandlerExplorer,
  ) {}

  /** False once shutdown has begun: new connections are refused from then on. */
  get accepting(): boolean {
    return !this.shuttingDown;
  }

  /** Connections being opened or open. */
  get size(): number {
    return this.live.size + this.opening;
  }

  /**
   * Creates the consumer of an upgrade request routed to `path` and runs its
   * gateway's `connect`, for at most `timeoutMs`. Rejects with
   * `HandshakeRefusedError` to refuse; a `connect` that finishes after the
   * timeout is undone with `disconnect`.
   */
  async open(
    path: string,
    request: IncomingMessage,
    params: Record<string, string>,
    timeoutMs = Number.POSITIVE_INFINITY,
  ): Promise<Consumer> {
    const definition = this.explorer.definitionFor(path);
    if (!definition || this.shuttingDown) {
      throw new HandshakeRefusedError(503, 'Not accepting connections');
    }
    this.opening++;
    try {
      const consumer = new Consumer(await this.layer.newChannel(), params, {
        headers: request.headers,
        url: request.url ?? '/',
      });
      const connected = Promise.resolve(definition.gateway.connect?.(consumer));
      try {
        await withTimeout(connected, timeoutMs);
      } catch (error) {
        if (error instanceof HandshakeTimeoutError) {
          void this.undoLateConnect(definition, consumer, connected);
          throw new HandshakeRefusedError(503, 'Handshake timed out');
        }
        await releaseConsumerChannel(this.layer, consumer.channel);
        throw error;
      }
      this.live.set(consumer, {
        definition,
        controller: new AbortController(),
      });
      return consumer;
    } finally {
      this.opening--;
    }
  }

  /** Binds the accepted socket and starts the receive loop until it closes. */
  accept(
    consumer: Consumer,
    socket: WebSocket,
    maxBufferedBytes?: number,
  ): void {
    const live = this.live.get(consumer);
    if (!live) {
      return;
    }
    consumer.attach(socket, maxBufferedBytes);
    socket.once('close', (code: number) => void this.end(consumer, code));
    void runConsumerChannel(
      this.layer,
      live.definition,
      consumer,
      live.controller.signal,
      this.logger,
    );
  }

  /** Ends a consumer whose handshake failed after `connect` (client gone). */
  abandon(consumer: Consumer): Promise<void> {
    return this.end(consumer, 1006);
  }

  /** Closes every connection with 1001 and waits for their `disconnect`. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all(
      [...this.live.keys()].map((consumer) => {
        consumer.close(CLOSE_GOING_AWAY, 'Server shutting down');
        return this.end(consumer, CLOSE_GOING_AWAY);
      }),
    );
  }

  /** Undoes a `connect` that finished after its handshake was refused. */
  private async undoLateConnect(
    definition: ConsumerDefinition,
    consumer: Consumer,
    connected: Promise<void>,
  ): Promise<void> {
    try {
      await connected;
      await definition.gateway.disconnect?.(consumer, 1006);
    } catch (error) {
      this.logger.warn(
        `${definition.name}: undoing a late connect failed: ${String(error)}`,
      );
    } finally {
      await releaseConsumerChannel(this.layer, consumer.channel);
    }
  }

  /** Stops the loop and runs `disconnect` once, whoever calls first. */
  private end(consumer: Consumer, code: number): Promise<void> {
    const live = this.live.get(consumer);
    if (!live) {
      return Promise.resolve();
    }
    live.ended ??= (async () => {
      live.controller.abort();
      try {
        await live.definition.gateway.disconnect?.(consumer, code);
      } catch (error) {
        this.logger.error(
          `${live.definition.name}.disconnect failed: ${String(error)}`,
        );
      } finally {
        this.live.delete(consumer);
        await releaseConsumerChannel(this.layer, consumer.channel);
      }
    })();
    return live.ended;
  }
}
