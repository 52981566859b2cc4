/** The ceiling every app target is compared with: a raw `ws` server. */
export const RAW_WS = 'raw ws';
/** The Redis-backed peer: Socket.IO with its Redis adapter. */
export const SOCKETIO_REDIS = 'socket.io redis';

/**
 * The app targets whose goals are ratios to a peer, and that peer. In the
 * fixed-load mode a peer runs right beside its target in every repetition,
 * and the ratio is the median of each repetition's own ratio: runs a minute
 * apart on a shared 2-core machine differ by up to 40 %, runs side by side
 * far less.
 */
export const PAIRED: ReadonlyMap<string, string> = new Map([
  ['nest memory', RAW_WS],
  ['nest redis-pubsub', SOCKETIO_REDIS],
]);
