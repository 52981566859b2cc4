import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once something accepts TCP connections on loopback `port`. */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  alive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) {
      throw new Error(`process for port ${port} exited before listening`);
    }
    if (await tryConnect(port)) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`nothing listening on port ${port} after ${timeoutMs} ms`);
}
