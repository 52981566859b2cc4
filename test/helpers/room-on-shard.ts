import { shardIndex } from './channels-redis-shard';

/** The name a Redis backend hashes to place group `chat_<room>`: the group, or its pub/sub channel. */
function groupShardName(
  backend: 'redis' | 'redis-pubsub',
  room: string,
): string {
  return backend === 'redis' ? `chat_${room}` : `asgi__group__chat_${room}`;
}

/** A room name (`<tag><n>`) whose group `chat_<room>` lives on `shard` of `count`. */
export function roomOnShard(
  backend: 'redis' | 'redis-pubsub',
  shard: number,
  count: number,
  tag: string,
): string {
  for (let n = 0; ; n++) {
    if (shardIndex(groupShardName(backend, `${tag}${n}`), count) === shard) {
      return `${tag}${n}`;
    }
  }
}
