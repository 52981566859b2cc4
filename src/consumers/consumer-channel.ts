import type { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ChannelLayer,
  ChannelLayerClosedError,
  handlerKey,
} from '../channel-layer';
import { MAX_RECEIVE_BACKOFF_MS } from './consumers.constants';
import type { Consumer } from './consumer';
import type { ConsumerDefinition } from './consumer-definition.interface';

/**
 * The receive loop of one connection: takes each message of its channel in
 * order and awaits the `@ChannelHandler` of its type, until `signal` aborts.
 * A failing receive (backend down) is retried with capped exponential backoff.
 */
export async function runConsumerChannel(
  layer: ChannelLayer,
  definition: ConsumerDefinition,
  consumer: Consumer,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  let backoffMs = 100;
  while (!signal.aborted) {
    let message;
    try {
      message = await layer.receive(consumer.channel, { signal });
      backoffMs = 100;
    } catch (error) {
      if (signal.aborted || error instanceof ChannelLayerClosedError) {
        return;
      }
      logger.warn(
        `receive on ${consumer.channel} failed, retrying: ${String(error)}`,
      );
      await sleep(backoffMs, undefined, { signal }).catch(() => undefined);
      backoffMs = Math.min(backoffMs * 2, MAX_RECEIVE_BACKOFF_MS);
      continue;
    }
    const key = handlerKey(message.type);
    const handler =
      key === undefined ? undefined : definition.handlers.get(key);
    if (!handler) {
      consumer.observer.dropped('no_handler');
      logger.warn(
        `${definition.name} has no @ChannelHandler for type "${message.type}"; dropped`,
      );
      continue;
    }
    try {
      await handler(consumer, message);
    } catch (error) {
      logger.error(
        `${definition.name} failed on "${message.type}": ${String(error)}`,
      );
    }
  }
}

/**
 * Releases a channel whose consumer is gone, before or after its loop ran:
 * as in Channels, a cancelled receive is what tells the layer to forget it.
 */
export async function releaseConsumerChannel(
  layer: ChannelLayer,
  channel: string,
): Promise<void> {
  await layer
    .receive(channel, { signal: AbortSignal.abort() })
    .catch(() => undefined);
}
