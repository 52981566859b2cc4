import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on loopback that holds every chunk, both ways, for `delayMs`
 * (changeable while it runs): a slow network between the app and Redis.
 */
export class LatencyProxy {
  delayMs = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  private constructor(targetPort: number) {
    this.server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(from);
        from.on('data', (chunk) => {
          setTimeout(() => to.write(chunk), this.delayMs);
        });
        from.on('close', () => to.destroy());
        from.on('error', () => to.destroy());
      }
    });
  }

  static async start(targetPort: number): Promise<LatencyProxy> {
    const proxy = new LatencyProxy(targetPort);
    await new Promise<void>((resolve) =>
      proxy.server.listen(0, '127.0.0.1', resolve),
    );
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise((resolve) => this.server.close(resolve));
  }
}
