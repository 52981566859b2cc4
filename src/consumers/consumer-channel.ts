import type { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ChannelLayer,
  ChannelLayerClosedError,
  type ChannelMessage,
  type MessageListener,
} from '../channel-layer';
import { handlerKey } from './handler-name';
import { MAX_RECEIVE_BACKOFF_MS } from './consumers.constants';
import type { ConsumerConnection } from './consumer-connection';
import type {
  BoundChannelHandler,
  ConsumerDefinition,
} from './consumer-definition.interface';

/**
 * Has `dispatch` (see `consumerDispatcher`) take each message of
 * `connection`'s channel, with the connection as context, pushed by the layer
 * (`listen`), until the channel is released (`releaseConsumerChannel`): no
 * promise, no async step and no look-up per delivery, and no `AbortSignal`
 * per connection. Listening that fails
 * (backend down) is retried with capped exponential backoff while `live()`
 * holds; a listen that completes once it no longer does is released again.
 */
export async function runConsumerChannel(
  layer: ChannelLayer,
  connection: ConsumerConnection,
  dispatch: MessageListener<ConsumerConnection>,
  live: () => boolean,
  logger: Logger,
): Promise<void> {
  const { channel } = connection;
  let backoffMs = 100;
  while (live()) {
    try {
      await layer.listen(channel, dispatch, { context: connection });
      if (!live()) {
        await releaseConsumerChannel(layer, channel);
      }
      return;
    } catch (error) {
      if (!live() || error instanceof ChannelLayerClosedError) {
        return;
      }
      logger.warn(`listening on ${channel} failed, retrying: ${String(error)}`);
      await sleep(backoffMs, undefined, { ref: false });
      backoffMs = Math.min(backoffMs * 2, MAX_RECEIVE_BACKOFF_MS);
    }
  }
}

/**
 * The one listener of a gateway's connections: hands each message to the
 * `@ChannelHandler` of its type, with the connection it came for (the
 * listen's context). A handler's returned promise holds that connection's
 * later messages until it settles, so they come one at a time, in order.
 */
export function consumerDispatcher(
  definition: ConsumerDefinition,
  logger: Logger,
): MessageListener<ConsumerConnection> {
  return (message, _channel, connection) =>
    dispatchMessage(definition, connection, message, logger);
}

/** Calls the message's handler; a failure is logged, never passed on. */
function dispatchMessage(
  definition: ConsumerDefinition,
  connection: ConsumerConnection,
  message: ChannelMessage,
  logger: Logger,
): Promise<void> | void {
  const handler =
    definition.declared.get(message.type) ?? handlerByKey(definition, message);
  if (!handler) {
    connection.observer.dropped('no_handler');
    logger.warn(
      `${definition.name} has no @ChannelHandler for type "${message.type}"; dropped`,
    );
    return;
  }
  try {
    const result = handler(connection, message);
    if (result instanceof Promise) {
      return result.then(
        () => undefined,
        (error: unknown) => logFailure(definition, message, error, logger),
      );
    }
  } catch (error) {
    logFailure(definition, message, error, logger);
  }
}

/** The handler of a type written other than declared (`chat_message` for `chat.message`). */
function handlerByKey(
  definition: ConsumerDefinition,
  message: ChannelMessage,
): BoundChannelHandler | undefined {
  const key = handlerKey(message.type);
  return key === undefined ? undefined : definition.handlers.get(key);
}

/** Logs a handler's failure (made only when one fails: nothing per delivery). */
function logFailure(
  definition: ConsumerDefinition,
  message: ChannelMessage,
  error: unknown,
  logger: Logger,
): void {
  logger.error(
    `${definition.name} failed on "${message.type}": ${String(error)}`,
  );
}

/**
 * Releases a channel whose connection is gone, before or after it listened
 * (which stops its listener): as in Channels, a cancelled receive is what
 * tells the layer to forget it.
 */
export async function releaseConsumerChannel(
  layer: ChannelLayer,
  channel: string,
): Promise<void> {
  await layer
    .receive(channel, { signal: AbortSignal.abort() })
    .catch(() => undefined);
}
