import type { Target } from './target';

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

/**
 * The targets of repetition `rep`: each peer of `PAIRED` right after its
 * target, the whole order reversed on even repetitions, so that a drift of
 * the machine over the run falls on both sides of every pair alike.
 */
export function pairedOrder(targets: readonly Target[], rep: number): Target[] {
  const peers = new Set(
    targets
      .filter((target) => PAIRED.has(target.name))
      .map((target) => PAIRED.get(target.name)),
  );
  const order = targets.flatMap((target) => {
    if (peers.has(target.name)) {
      return [];
    }
    const peer = targets.find(({ name }) => name === PAIRED.get(target.name));
    return peer ? [target, peer] : [target];
  });
  return rep % 2 === 0 ? order.reverse() : order;
}
