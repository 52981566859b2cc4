import type { ClientProtocol } from '../targets/target';

/** The WebSocket URL of `room` on a target process listening on `port`. */
export function clientUrl(
  protocol: ClientProtocol,
  port: number,
  room: string,
): string {
  return protocol === 'chat'
    ? `ws://127.0.0.1:${port}/ws/chat/${room}/`
    : `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&room=${room}`;
}
