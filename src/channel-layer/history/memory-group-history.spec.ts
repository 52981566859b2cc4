import { MemoryChannelLayer } from '../backends/memory/memory-channel-layer';
import { MemoryGroupHistory } from './memory-group-history';

describe('MemoryGroupHistory', () => {
  let now: number;
  let layer: MemoryChannelLayer;
  let history: MemoryGroupHistory;

  beforeEach(() => {
    now = 1_000_000;
    layer = new MemoryChannelLayer({});
    history = new MemoryGroupHistory(layer, { size: 2, ttl: 10 }, () => now);
  });

  afterEach(async () => {
    await history.close();
    await layer.close();
  });

  it("should number a group's messages one by one, across a clock step back", async () => {
    const first = await history.groupSend('room', { type: 't' });
    now += 3;
    const second = await history.groupSend('room', { type: 't' });
    now -= 5;
    const third = await history.groupSend('room', { type: 't' });
    const other = await history.groupSend('other', { type: 't' });
    expect([first.id, second.id, third.id]).toEqual([
      '1000000-0',
      '1000000-1',
      '1000000-2',
    ]);
    expect(other.id).toBe('1000001-0');
  });

  it("should start a later epoch at 0 once a group's history lapsed", async () => {
    await history.groupSend('room', { type: 't' });
    await history.groupSend('room', { type: 't' });
    now += 10_000;
    const after = await history.groupSend('room', { type: 't' });
    expect(after.id).toBe('1010000-0');
  });

  it('should keep at most size messages per group', async () => {
    for (let n = 0; n < 3; n++) {
      await history.groupSend('room', { type: 't', n });
      now += 1;
    }
    await expect(history.last('room', 5)).resolves.toMatchObject([
      { n: 1 },
      { n: 2 },
    ]);
  });

  it('should forget a group ttl seconds after its last message', async () => {
    const { id } = await history.groupSend('quiet', { type: 't' });
    now += 9_999;
    await expect(history.since('quiet', id)).resolves.toEqual({
      recovered: true,
      messages: [],
    });
    now += 1;
    await expect(history.since('quiet', id)).resolves.toEqual({
      recovered: false,
      messages: [],
    });
  });

  it('should not keep a message the layer refused', async () => {
    await expect(
      history.groupSend('bad group', { type: 't' }),
    ).rejects.toThrow();
    await expect(history.last('bad group', 1)).resolves.toEqual([]);
  });
});
