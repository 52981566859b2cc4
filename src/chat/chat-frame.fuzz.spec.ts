import fc from 'fast-check';
import { assertGroupName } from '../channel-layer';
import type { ChatErrorCode } from './chat-error';
import { parseChatFrame } from './chat-frame';
import { roomGroup } from './room-group';

const CODES: readonly ChatErrorCode[] = [
  'binary_frame',
  'invalid_json',
  'invalid_message',
  'message_too_long',
];

/** Anything a socket can deliver: text of any shape, JSON of any shape, bytes. */
const anyFrame = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.json(),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .record({ message: fc.jsonValue() }, { requiredKeys: [] })
    .map((value) => JSON.stringify(value)),
  fc.uint8Array().map((bytes) => Buffer.from(bytes)),
);

describe('parseChatFrame (property-based)', () => {
  it('should never throw, and answer a valid message or one known error', () => {
    fc.assert(
      fc.property(anyFrame, fc.integer({ min: 1, max: 64 }), (frame, max) => {
        const parsed = parseChatFrame(frame, max);
        if ('error' in parsed) {
          expect(CODES).toContain(parsed.error);
          expect(parsed.detail.length).toBeGreaterThan(0);
        } else {
          expect(typeof parsed.message).toBe('string');
          expect([...parsed.message].length).toBeLessThanOrEqual(max);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('should accept exactly the objects with a string message within the limit, extra keys allowed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
        fc.integer({ min: 1, max: 80 }),
        (message, extra, max) => {
          const frame = JSON.stringify({ ...extra, message });
          const parsed = parseChatFrame(frame, max);
          if ([...message].length <= max) {
            expect(parsed).toEqual({ message });
          } else {
            expect(parsed).toMatchObject({ error: 'message_too_long' });
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('roomGroup (property-based)', () => {
  it('should map any room to a valid group name or refuse it, deterministically and without collisions', () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (room) => {
        const group = roomGroup(room);
        if (group === undefined) {
          return;
        }
        expect(() => assertGroupName(group)).not.toThrow();
        expect(roomGroup(room)).toBe(group);
        const earlier = seen.get(group);
        expect(earlier === undefined || earlier === room).toBe(true);
        seen.set(group, room);
      }),
      { numRuns: 5_000 },
    );
  });
});
