import { MAX_NAME_LENGTH } from './channel-layer.constants';
import { InvalidChannelNameError } from './errors/invalid-channel-name.error';
import { InvalidGroupNameError } from './errors/invalid-group-name.error';

const CHANNEL_NAME = /^[a-zA-Z\d\-_.]+(![\d\w\-_.]*)?$/;
const GROUP_NAME = /^[a-zA-Z\d\-_.]+$/;

function isShortString(name: unknown): name is string {
  return typeof name === 'string' && name.length < MAX_NAME_LENGTH;
}

/** Throws `InvalidChannelNameError` unless `name` is a valid channel name. */
export function assertChannelName(name: unknown): asserts name is string {
  if (!isShortString(name) || !CHANNEL_NAME.test(name)) {
    throw new InvalidChannelNameError(name);
  }
}

/** Throws `InvalidGroupNameError` unless `name` is a valid group name. */
export function assertGroupName(name: unknown): asserts name is string {
  if (!isShortString(name) || !GROUP_NAME.test(name)) {
    throw new InvalidGroupNameError(name);
  }
}

/** Whether `channel` is process-local (`specific.<process>!<random>`). */
export function isProcessLocal(channel: string): boolean {
  return channel.includes('!');
}

/**
 * The part of a process-local name shared by every channel of its process,
 * up to and including the `!` (channels_redis's `non_local_name`).
 */
export function nonLocalName(channel: string): string {
  const bang = channel.indexOf('!');
  return bang === -1 ? channel : channel.slice(0, bang + 1);
}
