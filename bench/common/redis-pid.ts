import type { Redis } from 'ioredis';

/** The process id of the redis-server behind `client` (INFO server's `process_id`). */
export async function redisPid(client: Redis): Promise<number> {
  const info = await client.info('server');
  const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new Error('redis INFO server has no process_id');
  }
  return pid;
}
