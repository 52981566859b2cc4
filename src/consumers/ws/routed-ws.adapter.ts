import { type INestApplication, Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { WebSocket, WebSocketServer } from 'ws';
import { bindFrameHandlers } from './bind-frame-handlers';
import { ConnectionObserver, NO_OBSERVER } from '../connection-observer';
import { ConsumerRuntime } from '../consumer-runtime';
import { FRAME_EVENT } from '../consumers.constants';
import { HandshakeRefusedError } from '../handshake-refused.error';
import { startHeartbeat } from './heartbeat';
import { refuseUpgrade } from './refuse-upgrade';
import { requestPath } from './request-path';
import { serveAsHttp } from './serve-as-http';
import type { RoutedWsAdapterOptions } from './routed-ws-adapter-options.interface';
import { type WsRoute, WsRoutes } from './ws-routes';

/**
 * A `WsAdapter` that routes upgrades by URL pattern with parameters
 * (`/ws/chat/:room/`, like Channels' URLRouter), runs the gateway's `connect`
 * before completing the handshake, and hands every frame, raw, to the one
 * `FRAME_EVENT` handler. Unknown paths, and what the guard refuses, are refused.
 */
export class RoutedWsAdapter extends WsAdapter {
  private readonly routes = new WsRoutes();
  private readonly upgradeListeners = new Map<
    Server,
    (request: IncomingMessage, socket: Duplex, head: Buffer) => void
  >();
  private readonly routedLogger = new Logger(RoutedWsAdapter.name);
  private runtime?: ConsumerRuntime;
  private connectionEvents?: ConnectionObserver;

  constructor(
    private readonly app: INestApplication,
    private readonly options: RoutedWsAdapterOptions = {},
  ) {
    super(app, { messageParser: (data) => ({ event: FRAME_EVENT, data }) });
  }

  override create(
    port: number,
    options: Record<string, unknown> & { path?: string } = {},
  ): unknown {
    const server = super.create(port, {
      maxPayload: this.options.maxPayload ?? 65_536,
      ...options,
    }) as WebSocketServer;
    startHeartbeat(server, this.options.pingIntervalMs);
    if (options.path) {
      this.routes.add(port, options.path, server);
    }
    return server;
  }

  /**
   * A client's protocol error (a frame over `maxPayload`, a bad opcode) ends
   * that one connection, with the close code `ws` chose: one warning line,
   * not an error with a stack.
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    // One listener for every socket, not a closure per connection.
    const closedOnError = (error: Error): void =>
      this.routedLogger.warn(`Connection closed: ${error.message}`);
    server.on('connection', (socket: WebSocket) =>
      socket.on('error', closedOnError),
    );
    server.on('error', (error: Error) => this.routedLogger.error(error));
    return server;
  }

  /** Frames to the gateway with one listener per connection (see `bindFrameHandlers`). */
  override bindMessageHandlers(
    client: WebSocket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    bindFrameHandlers(
      client,
      handlers,
      transform,
      this.messageParser,
      this.logger,
    );
  }

  /**
   * Nest's `OnGatewayDisconnect` hook, with `on` rather than `once`: `ws`
   * emits `close` once, and `once` costs every open connection a wrapper.
   * Not bound at all for a consumer gateway without `handleDisconnect`
   * (nothing would hear it): each `close` listener costs an open connection
   * memory, and a third one grows the socket's listener array eightfold.
   */
  override bindClientDisconnect(client: WebSocket, callback: () => void): void {
    const gateway = this.runtime?.gatewayOf(client);
    if (gateway && !('handleDisconnect' in gateway)) {
      return;
    }
    client.on('close', callback);
  }

  override async dispose(): Promise<void> {
    for (const [server, listener] of this.upgradeListeners) {
      server.off('upgrade', listener);
    }
    this.upgradeListeners.clear();
    this.routes.clear();
    await super.dispose();
  }

  protected override ensureHttpServerExists(
    port: number,
    httpServer = createServer(),
  ): Server | undefined {
    if (this.httpServersRegistry.has(port)) {
      return undefined;
    }
    this.httpServersRegistry.set(port, httpServer);
    const listener = (
      request: IncomingMessage,
      socket: Duplex,
      head: Buffer,
    ): void => {
      // A throw here would be an uncaught exception: refuse instead.
      try {
        if (request.headers.upgrade?.toLowerCase() !== 'websocket') {
          return serveAsHttp(httpServer, request, socket);
        }
        this.upgrade(port, request, socket, head);
      } catch (error) {
        this.routedLogger.error(`upgrade failed: ${String(error)}`);
        refuseUpgrade(socket, 500, 'Internal error');
      }
    };
    httpServer.on('upgrade', listener);
    this.upgradeListeners.set(httpServer, listener);
    return httpServer;
  }

  /** Told of refused handshakes: the app's `ConnectionObserver`, if it binds one. */
  private get events(): ConnectionObserver {
    return (this.connectionEvents ??= this.observer());
  }

  private observer(): ConnectionObserver {
    try {
      return this.app.get(ConnectionObserver, { strict: false });
    } catch {
      return NO_OBSERVER; // the app binds none
    }
  }

  private upgrade(
    port: number,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    socket.on('error', () => socket.destroy()); // a reset client must not crash the process
    const pathname = requestPath(request.url);
    if (pathname === undefined) {
      this.events.refused('not_found', request, 400, 'Bad request path');
      return refuseUpgrade(socket, 400, 'Bad request path');
    }
    const found = this.routes.find(port, pathname);
    if (!found) {
      this.events.refused('not_found', request, 404, 'No route');
      return refuseUpgrade(socket, 404, 'No WebSocket route for this path');
    }
    const refusal = this.options.guard?.(request);
    if (refusal) {
      this.events.refused(
        refusal.status === 403 ? 'origin' : 'refused',
        request,
        refusal.status,
        refusal.reason,
      );
      return refuseUpgrade(socket, refusal.status, refusal.reason);
    }
    const runtime = (this.runtime ??= this.app.get(ConsumerRuntime));
    if (runtime.size >= (this.options.maxConnections ?? Infinity)) {
      this.events.refused('full', request, 503, 'Too many connections');
      return refuseUpgrade(socket, 503, 'Too many connections');
    }
    void this.connect(found.route, found.params, request, socket, head);
  }

  private async connect(
    route: WsRoute,
    params: Record<string, string>,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): Promise<void> {
    const runtime = (this.runtime ??= this.app.get(ConsumerRuntime));
    let connection;
    try {
      connection = await runtime.open(
        route.path,
        request,
        params,
        this.options.handshakeTimeoutMs,
      );
    } catch (error) {
      this.events.failed(error, request);
      if (error instanceof HandshakeRefusedError) {
        return refuseUpgrade(socket, error.status, error.message);
      }
      this.routedLogger.error(
        `connect failed on ${route.path}: ${String(error)}`,
      );
      return refuseUpgrade(socket, 503, 'Service unavailable');
    }
    // Until the handshake completes; a listener left on would keep this
    // whole call (request, head) alive as long as the connection.
    const abandon = (): void => void runtime.abandon(connection);
    socket.once('close', abandon);
    if (socket.destroyed) {
      return abandon();
    }
    route.server.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      socket.off('close', abandon);
      runtime.accept(connection, ws, this.options.maxBufferedBytes);
      route.server.emit('connection', ws, request);
    });
  }
}
