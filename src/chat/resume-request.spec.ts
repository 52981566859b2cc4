import { parseResumeRequest } from './resume-request';

describe('parseResumeRequest', () => {
  it('should read nothing from a URL without the parameters', () => {
    expect(parseResumeRequest('/ws/chat/lobby/', 100)).toBeUndefined();
    expect(parseResumeRequest('/ws/chat/lobby/?x=1', 100)).toBeUndefined();
  });

  it('should cap history at the size kept', () => {
    expect(parseResumeRequest('/ws/chat/a/?history=20', 100)).toEqual({
      last: 20,
    });
    expect(parseResumeRequest('/ws/chat/a/?history=500', 100)).toEqual({
      last: 100,
    });
  });

  it('should prefer since over history', () => {
    expect(parseResumeRequest('/ws/chat/a/?history=5&since=17-3', 100)).toEqual(
      { since: '17-3' },
    );
  });

  it('should say what is wrong with a bad value', () => {
    expect(parseResumeRequest('/ws/chat/a/?history=-1', 100)).toMatch(
      /history must be/,
    );
    expect(parseResumeRequest('/ws/chat/a/?since=', 100)).toMatch(
      /since must be/,
    );
  });
});
