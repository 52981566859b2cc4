import { parseAppConfig } from './app.config';
import { ConfigValidationError } from './config-validation.error';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe('parseAppConfig', () => {
  it("should give the defaults of README's Configuration section for an empty environment", () => {
    expect(parseAppConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      channelLayer: {
        backend: 'memory',
        prefix: 'asgi',
        capacity: 100,
        expiry: 60,
        groupExpiry: 86400,
      },
      chatMaxMessageLength: 32768,
      wsMaxPayload: 65536,
      allowedOrigins: undefined,
      wsMaxConnections: 10000,
      wsHandshakeTimeoutMs: 5000,
      wsMaxBufferedBytes: 1048576,
      chatRateLimit: 20,
      chatRateBurst: 40,
      chatRateAbuseLimit: 100,
      allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
      trustProxy: undefined,
      wsHandshakeRateLimit: 600,
      wsHandshakeRateBurst: 100,
      chatAddressRateLimit: 12000,
      chatAddressRateBurst: 1000,
      wsPingIntervalMs: 30000,
      httpHeadersTimeoutMs: 5000,
      httpMaxPendingSockets: 1000,
      shutdownTimeoutMs: 8000,
      metrics: { enabled: true, port: undefined },
      log: { format: 'text', level: 'log' },
      chatHistorySize: 0,
      chatHistoryTtl: 3600,
    });
  });

  it('should read the history settings, and refuse a negative size or a zero TTL', () => {
    expect(
      parseAppConfig({ CHAT_HISTORY_SIZE: '500', CHAT_HISTORY_TTL: '60' }),
    ).toMatchObject({ chatHistorySize: 500, chatHistoryTtl: 60 });
    expect(
      problemsOf({ CHAT_HISTORY_SIZE: '-1', CHAT_HISTORY_TTL: '0' }),
    ).toEqual([
      'CHAT_HISTORY_SIZE="-1": must be an integer from 0 to 1000000',
      'CHAT_HISTORY_TTL="0": must be an integer from 1 to 31536000',
    ]);
  });

  it('should read the edge variables, and name each bad one on its line', () => {
    expect(
      parseAppConfig({
        ALLOWED_HOSTS: 'Chat.Example.com,.example.org,[::1],10.0.0.1',
        TRUST_PROXY: 'loopback,172.16.0.0/12',
      }),
    ).toMatchObject({
      allowedHosts: ['chat.example.com', '.example.org', '[::1]', '10.0.0.1'],
      trustProxy: ['loopback', '172.16.0.0/12'],
    });
    const problems = problemsOf({
      ALLOWED_HOSTS: 'http://chat.example.com',
      TRUST_PROXY: 'everyone',
      WS_PING_INTERVAL_MS: '-1',
      SHUTDOWN_TIMEOUT_MS: 'soon',
    });
    expect(problems).toHaveLength(4);
    for (const name of [
      'ALLOWED_HOSTS',
      'TRUST_PROXY',
      'WS_PING_INTERVAL_MS',
      'SHUTDOWN_TIMEOUT_MS',
    ]) {
      expect(problems.some((line) => line.startsWith(`${name}=`))).toBe(true);
    }
  });

  it('should read a sharded, encrypted redis layer', () => {
    const config = parseAppConfig({
      CHANNEL_LAYER: 'redis',
      REDIS_URL: 'redis://a:6379, rediss://b:6380/1',
      CHANNEL_ENCRYPTION_KEYS: 'k1,k2',
      CHANNEL_LAYER_PREFIX: 'myapp',
    });
    expect(config.channelLayer).toMatchObject({
      backend: 'redis',
      hosts: ['redis://a:6379', 'rediss://b:6380/1'],
      symmetricEncryptionKeys: ['k1', 'k2'],
      prefix: 'myapp',
    });
  });

  it('should treat empty values as unset', () => {
    expect(parseAppConfig({ PORT: '', CHANNEL_ENCRYPTION_KEYS: '' }).port).toBe(
      3000,
    );
  });

  it('should report one line per bad variable, naming it and what it accepts', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      CHANNEL_LAYER: 'kafka',
      REDIS_URL: 'http://x',
      WS_MAX_PAYLOAD: '-1',
      ALLOWED_ORIGINS: 'https://ok.example.com,https://bad.example.com/path',
    });
    expect(problems).toHaveLength(5);
    expect(problems[0]).toBe(
      'PORT="eighty": must be an integer from 0 to 65535',
    );
    expect(problems[1]).toBe(
      'CHANNEL_LAYER="kafka": must be one of memory, redis, redis-pubsub',
    );
    expect(problems.join('\n')).toMatch(
      /^REDIS_URL=.*redis:\/\/ or rediss:\/\//m,
    );
    expect(problems.join('\n')).toMatch(
      /^WS_MAX_PAYLOAD="-1": must be an integer/m,
    );
    expect(problems.join('\n')).toMatch(
      /^ALLOWED_ORIGINS=.*"https:\/\/bad.example.com\/path"/m,
    );
  });

  it('should refuse encryption keys with redis-pubsub', () => {
    expect(
      problemsOf({
        CHANNEL_LAYER: 'redis-pubsub',
        CHANNEL_ENCRYPTION_KEYS: 'k',
      }),
    ).toEqual([
      expect.stringMatching(
        /^CHANNEL_ENCRYPTION_KEYS: not supported with CHANNEL_LAYER=redis-pubsub/,
      ),
    ]);
  });

  it('should read sentinel hosts, master names and passwords', () => {
    const config = parseAppConfig({
      CHANNEL_LAYER: 'redis',
      REDIS_MODE: 'sentinel',
      REDIS_URL: 'redis://:s3cret@s1:26379,redis://s2:26379',
      REDIS_SENTINEL_MASTERS: 'shard0,shard1',
      REDIS_PASSWORD: 'masterpass',
    });
    expect(config.channelLayer).toMatchObject({
      mode: 'sentinel',
      hosts: ['redis://:s3cret@s1:26379', 'redis://s2:26379'],
      masterNames: ['shard0', 'shard1'],
      password: 'masterpass',
    });
  });

  it('should refuse an unknown mode, and sentinel mode without master names, in one line each', () => {
    expect(problemsOf({ CHANNEL_LAYER: 'redis', REDIS_MODE: 'ha' })).toEqual([
      'REDIS_MODE="ha": must be one of standalone, sentinel, cluster',
    ]);
    expect(
      problemsOf({ CHANNEL_LAYER: 'redis-pubsub', REDIS_MODE: 'sentinel' }),
    ).toEqual([expect.stringMatching(/^REDIS_SENTINEL_MASTERS: required/)]);
  });

  it('should read a cluster of seed nodes', () => {
    const config = parseAppConfig({
      CHANNEL_LAYER: 'redis-pubsub',
      REDIS_MODE: 'cluster',
      REDIS_URL: 'redis://n1:7000,redis://n2:7001',
    });
    expect(config.channelLayer).toMatchObject({
      mode: 'cluster',
      hosts: ['redis://n1:7000', 'redis://n2:7001'],
    });
  });
});
