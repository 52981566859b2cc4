import { parseChatFrame } from './chat-frame';

describe('parseChatFrame', () => {
  it('should accept {"message": text}', () => {
    expect(parseChatFrame('{"message":"hi"}', 10)).toEqual({ message: 'hi' });
  });

  it('should accept extra keys and an empty message', () => {
    expect(parseChatFrame('{"message":"","x":1}', 10)).toEqual({ message: '' });
  });

  it.each([
    [Buffer.from('{"message":"hi"}'), 'binary_frame'],
    ['not json', 'invalid_json'],
    ['', 'invalid_json'],
    ['null', 'invalid_message'],
    ['[]', 'invalid_message'],
    ['"message"', 'invalid_message'],
    ['{"message": 42}', 'invalid_message'],
    ['{"text": "hi"}', 'invalid_message'],
    ['{"message": null}', 'invalid_message'],
  ])('should answer %p with error %s', (frame, error) => {
    expect(parseChatFrame(frame, 10)).toEqual({
      error,
      detail: expect.any(String),
    });
  });

  it('should count characters, not UTF-16 units, against the limit', () => {
    const emoji = '🎉'.repeat(10); // 20 UTF-16 units, 10 characters
    expect(parseChatFrame(JSON.stringify({ message: emoji }), 10)).toEqual({
      message: emoji,
    });
    expect(
      parseChatFrame(JSON.stringify({ message: `${emoji}x` }), 10),
    ).toMatchObject({
      error: 'message_too_long',
    });
  });
});
