import { connect, type Socket } from 'node:net';

/** A TCP connection to `httpUrl`'s host and port, resolved once connected. */
export function openRawSocket(httpUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(httpUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once the server has ended `socket` (a reset counts). */
export function socketClosed(socket: Socket): Promise<void> {
  socket.on('error', () => undefined); // a reset is a close here
  return new Promise((resolve) => {
    if (socket.destroyed) {
      resolve();
    } else {
      socket.once('close', () => resolve());
    }
  });
}

/** The first chunk the server sends on `socket`, as text. */
export function firstReply(socket: Socket): Promise<string> {
  return new Promise((resolve) =>
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString())),
  );
}
