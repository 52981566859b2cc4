import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { WsCommunicator, type WsConnectOptions } from './ws-communicator';

/** An application listening on a free loopback port, with its URLs and clients. */
export class TestApplication<T extends INestApplication = INestApplication> {
  /** `http://127.0.0.1:<port>`, for `fetch`. */
  readonly http: string;
  /** `ws://127.0.0.1:<port>`, for WebSocket URLs. */
  readonly ws: string;

  constructor(
    /** The running Nest application. */
    readonly app: T,
  ) {
    const server = app.getHttpServer() as { address(): AddressInfo };
    const { port } = server.address();
    this.http = `http://127.0.0.1:${port}`;
    this.ws = `ws://127.0.0.1:${port}`;
  }

  /**
   * Connects to `path` (`/ws/chat/lobby/`); resolves once the handshake is
   * complete, rejects with `WsRefusedError` when it is refused.
   */
  connect(path: string, options?: WsConnectOptions): Promise<WsCommunicator> {
    return WsCommunicator.connect(this.ws + path, options);
  }

  /** The HTTP status with which a handshake to `path` is refused. */
  refusalStatus(path: string, options?: WsConnectOptions): Promise<number> {
    return WsCommunicator.refusalStatus(this.ws + path, options);
  }

  /** Closes the application (its lifecycle hooks close the layer and the sockets). */
  close(): Promise<void> {
    return this.app.close();
  }
}
