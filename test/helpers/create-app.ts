import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../../src/app.module';
import { setupApp } from '../../src/app.setup';
import {
  appConfig,
  parseAppConfig,
  type AppConfig,
} from '../../src/config/app.config';
import { startTestApp } from '../../src/testing';
import { withHistoryDefault } from './history-mode';

/** A running application and its base URLs. */
export interface TestApp {
  app: NestExpressApplication;
  http: string;
  ws: string;
  config: AppConfig;
}

/**
 * Starts the real application, as `main.ts` does, on a free loopback port,
 * with `env` as its environment (README: Configuration) and the pass's
 * `CHAT_HISTORY_SIZE` unless `env` sets one (`withHistoryDefault`): the test
 * kit's `startTestApp` with the app's own layer, configuration and setup.
 */
export async function createApp(
  env: Record<string, string> = {},
): Promise<TestApp> {
  const config = parseAppConfig(withHistoryDefault(env));
  const { app, http, ws } = await startTestApp<NestExpressApplication>(
    AppModule,
    {
      memoryLayer: false,
      override: (builder) =>
        builder.overrideProvider(appConfig.KEY).useValue(config),
      setup: (started) => {
        setupApp(started);
      },
    },
  );
  return { app, config, http, ws };
}
