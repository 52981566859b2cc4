import { deepFreeze } from './deep-freeze';

describe('deepFreeze', () => {
  it('should freeze nested plain objects and arrays', () => {
    const message = deepFreeze({
      type: 'x',
      items: [{ n: 1 }],
      meta: { a: 'b' },
    });
    expect(Object.isFrozen(message)).toBe(true);
    expect(Object.isFrozen(message.items)).toBe(true);
    expect(Object.isFrozen(message.items[0])).toBe(true);
    expect(Object.isFrozen(message.meta)).toBe(true);
  });

  it('should leave binary values unfrozen rather than throw', () => {
    const message = deepFreeze({ type: 'x', data: Buffer.from('ab') });
    expect(Object.isFrozen(message)).toBe(true);
    expect(message.data.toString()).toBe('ab');
  });
});
