import type { NestExpressApplication } from '@nestjs/platform-express';
import { appConfig, type AppConfig } from './config/app.config';
import { RoutedWsAdapter } from './consumers';
import { setupEdge } from './edge/setup-edge';
import { PUBLIC_DIR } from './public-dir';

/** What `main.ts` and the e2e tests both do to an application before `listen`. */
export function setupApp(app: NestExpressApplication): AppConfig {
  const config = app.get<AppConfig>(appConfig.KEY);
  const edge = setupEdge(app, config);
  app.useWebSocketAdapter(
    new RoutedWsAdapter(app, {
      maxPayload: config.wsMaxPayload,
      guard: (request) => edge.checkUpgrade(request),
      pingIntervalMs: config.wsPingIntervalMs,
      maxConnections: config.wsMaxConnections,
      handshakeTimeoutMs: config.wsHandshakeTimeoutMs,
      maxBufferedBytes: config.wsMaxBufferedBytes,
    }),
  );
  // /api/ bodies are read as text, whatever their type, before Nest's JSON
  // parser would: the API validates them as chat frames (invalid_json, …).
  app.useBodyParser('text', {
    type: (request) => request.url?.startsWith('/api/') ?? false,
    limit: config.wsMaxPayload,
  });
  app.useStaticAssets(PUBLIC_DIR, { prefix: '/static/', index: false });
  app.enableShutdownHooks();
  return config;
}
