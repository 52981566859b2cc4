import type { ChannelMessage } from './interfaces/channel-message.interface';
import { frozenCopy } from './frozen-copy';

describe('frozenCopy', () => {
  it('should copy a flat message and freeze the copy, not the original', () => {
    const message = { type: 'chat.message', message: 'hi', n: 1, none: null };
    const copy = frozenCopy(message);
    expect(copy).toEqual(message);
    expect(copy).not.toBe(message);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(Object.isFrozen(message)).toBe(false);
  });

  it('should copy and freeze nested values deeply', () => {
    const message = { type: 't', inner: { list: [1, { deep: true }] } };
    const copy = frozenCopy(message);
    expect(copy).toEqual(message);
    expect(copy.inner).not.toBe(message.inner);
    expect(Object.isFrozen(copy.inner)).toBe(true);
    expect(Object.isFrozen((copy.inner as { list: unknown[] }).list[1])).toBe(
      true,
    );
    expect(Object.isFrozen(message.inner)).toBe(false);
  });

  it('should copy binary values', () => {
    const message = { type: 't', bytes: Buffer.from('abc') };
    const copy = frozenCopy(message);
    expect(copy.bytes).not.toBe(message.bytes);
    expect(Buffer.from(copy.bytes as Uint8Array).toString()).toBe('abc');
  });

  it('should copy an own __proto__ key as a key, not as the prototype', () => {
    const message = JSON.parse(
      '{"type": "t", "__proto__": 1}',
    ) as ChannelMessage;
    const copy = frozenCopy(message);
    expect(Object.keys(copy)).toEqual(['type', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toBe(1);
    expect(Object.isFrozen(copy)).toBe(true);
  });

  it('should refuse a value that cannot be cloned, as structuredClone does', () => {
    expect(() => frozenCopy({ type: 't', call: () => undefined })).toThrow();
  });
});
