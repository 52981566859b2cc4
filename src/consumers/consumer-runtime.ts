import {
  Injectable,
  Optional,
  Logger,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { ChannelLayer, type MessageListener } from '../channel-layer';
import { bindConsumerFrames } from './ws/bind-consumer-frames';
import { ChannelHandlerExplorer } from './channel-handler.explorer';
import { ConnectionObserver, NO_OBSERVER } from './connection-observer';
import { ConsumerConnection } from './consumer-connection';
import { connectionHeaders } from './connection-headers';
import {
  consumerDispatcher,
  releaseConsumerChannel,
  runConsumerChannel,
} from './consumer-channel';
import type { ConsumerDefinition } from './consumer-definition.interface';
import { CLOSE_GOING_AWAY } from './consumers.constants';
import { HandshakeRefusedError } from './handshake-refused.error';
import { HandshakeTimeoutError, withTimeout } from './with-timeout';

/**
 * Binds WebSocket connections to channels: per connection a channel from
 * `newChannel()`, the gateway's `connect` before the handshake completes, one
 * listener on it while the socket is open (the layer pushes each message to
 * its `@ChannelHandler`), and `disconnect` once it closes.
 */
@Injectable()
export class ConsumerRuntime implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ConsumerRuntime.name);
  /** Open connections and their gateways: a map entry each, no object (an idle connection keeps it). */
  private readonly live = new Map<ConsumerConnection, ConsumerDefinition>();
  /** Connections being ended, until their `disconnect` is done. */
  private readonly ending = new Map<ConsumerConnection, Promise<void>>();
  /** One layer listener per gateway for all its connections, not a closure per connection. */
  private readonly dispatchers = new Map<
    ConsumerDefinition,
    MessageListener<ConsumerConnection>
  >();
  /** Handshakes under way. */
  private readonly openings = new Set<Promise<ConsumerConnection>>();
  private shuttingDown = false;

  constructor(
    private readonly layer: ChannelLayer,
    private readonly explorer: ChannelHandlerExplorer,
    @Optional()
    private readonly events: ConnectionObserver = NO_OBSERVER,
  ) {}

  /** False once shutdown has begun: new connections are refused from then on. */
  get accepting(): boolean {
    return !this.shuttingDown;
  }

  /** Connections being opened or open. */
  get size(): number {
    return this.live.size + this.openings.size;
  }

  /**
   * Opens the connection of an upgrade request routed to `path` (its channel,
   * then the gateway's `connect`), for at most `timeoutMs` in all. Rejects
   * with `HandshakeRefusedError` to refuse; a channel or `connect` that comes
   * after the timeout, or after shutdown began, is undone.
   */
  async open(
    path: string,
    request: IncomingMessage,
    params: Record<string, string>,
    timeoutMs = Number.POSITIVE_INFINITY,
  ): Promise<ConsumerConnection> {
    const definition = this.explorer.definitionFor(path);
    if (!definition || this.shuttingDown) {
      throw new HandshakeRefusedError(503, 'Not accepting connections');
    }
    const opening = this.connect(definition, request, params, timeoutMs);
    this.openings.add(opening);
    try {
      return await opening;
    } finally {
      this.openings.delete(opening);
    }
  }

  /** The gateway of `socket`'s connection, while it is open here. */
  gatewayOf(socket: WebSocket): object | undefined {
    const connection = ConsumerConnection.of(socket);
    return connection && this.live.get(connection)?.gateway;
  }

  /** Binds the accepted socket and listens on its channel until it closes. */
  accept(
    connection: ConsumerConnection,
    socket: WebSocket,
    maxBufferedBytes?: number,
  ): void {
    const definition = this.live.get(connection);
    if (!definition) {
      return;
    }
    connection.attach(socket, maxBufferedBytes);
    this.events.opened(definition.path);
    // One listener, not one per concern: each costs an idle connection memory.
    socket.on('close', (code: number) => {
      void this.end(connection, code);
      this.events.closed(definition.path, code, connection.channel);
    });
    bindConsumerFrames(definition, connection, socket, this.logger);
    void runConsumerChannel(
      this.layer,
      connection,
      this.dispatcherOf(definition),
      () => this.live.has(connection) && !this.ending.has(connection),
      this.logger,
    );
  }

  /** Ends a connection whose handshake failed after `connect` (client gone). */
  abandon(connection: ConsumerConnection): Promise<void> {
    return this.end(connection, 1006);
  }

  /** Closes every connection with 1001 and waits for their `disconnect`. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    // Handshakes under way end first (each within its timeout), undone.
    await Promise.allSettled(this.openings);
    await Promise.all(
      [...this.live.keys()].map((connection) => {
        connection.close(CLOSE_GOING_AWAY, 'Server shutting down');
        return this.end(connection, CLOSE_GOING_AWAY);
      }),
    );
  }

  private async connect(
    definition: ConsumerDefinition,
    request: IncomingMessage,
    params: Record<string, string>,
    timeoutMs: number,
  ): Promise<ConsumerConnection> {
    const deadline = Date.now() + timeoutMs;
    const channel = this.layer.newChannel();
    const name = await withTimeout(channel, timeoutMs).catch((error) => {
      if (error instanceof HandshakeTimeoutError) {
        void channel.then(
          (late) => releaseConsumerChannel(this.layer, late),
          () => undefined,
        );
        throw new HandshakeRefusedError(503, 'Handshake timed out');
      }
      throw error;
    });
    const connection = new ConsumerConnection(
      name,
      params,
      {
        headers: connectionHeaders(request.headers),
        url: request.url ?? '/',
        remoteAddress: request.socket.remoteAddress ?? '',
      },
      this.events,
    );
    // An async wrapper: a `connect` that throws synchronously is a rejection too.
    const connected = (async () => definition.gateway.connect?.(connection))();
    try {
      await withTimeout(connected, deadline - Date.now());
    } catch (error) {
      if (error instanceof HandshakeTimeoutError) {
        void this.undoLateConnect(definition, connection, connected);
        throw new HandshakeRefusedError(503, 'Handshake timed out');
      }
      await releaseConsumerChannel(this.layer, connection.channel);
      throw error;
    }
    if (this.shuttingDown) {
      await this.undoLateConnect(definition, connection, connected);
      throw new HandshakeRefusedError(503, 'Not accepting connections');
    }
    this.live.set(connection, definition);
    return connection;
  }

  /** Undoes a `connect` that finished after its handshake was refused. */
  private async undoLateConnect(
    definition: ConsumerDefinition,
    connection: ConsumerConnection,
    connected: Promise<void>,
  ): Promise<void> {
    try {
      await connected;
      await definition.gateway.disconnect?.(connection, 1006);
    } catch (error) {
      this.logger.warn(
        `${definition.name}: undoing a late connect failed: ${String(error)}`,
      );
    } finally {
      await releaseConsumerChannel(this.layer, connection.channel);
    }
  }

  private dispatcherOf(
    definition: ConsumerDefinition,
  ): MessageListener<ConsumerConnection> {
    let dispatcher = this.dispatchers.get(definition);
    if (!dispatcher) {
      dispatcher = consumerDispatcher(definition, this.logger);
      this.dispatchers.set(definition, dispatcher);
    }
    return dispatcher;
  }

  /** Stops the loop and runs `disconnect` once, whoever calls first. */
  private end(connection: ConsumerConnection, code: number): Promise<void> {
    const definition = this.live.get(connection);
    if (!definition) {
      return Promise.resolve();
    }
    let ended = this.ending.get(connection);
    if (!ended) {
      ended = (async () => {
        // Stops its listener first: no message is handled once it is closing.
        await releaseConsumerChannel(this.layer, connection.channel);
        try {
          await definition.gateway.disconnect?.(connection, code);
        } catch (error) {
          this.logger.error(
            `${definition.name}.disconnect failed: ${String(error)}`,
          );
        } finally {
          this.live.delete(connection);
          this.ending.delete(connection);
          await releaseConsumerChannel(this.layer, connection.channel);
        }
      })();
      this.ending.set(connection, ended);
    }
    return ended;
  }
}
