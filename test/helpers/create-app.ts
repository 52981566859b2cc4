import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../../src/app.module';
import { setupApp } from '../../src/app.setup';
import {
  appConfig,
  parseAppConfig,
  type AppConfig,
} from '../../src/config/app.config';

/** A running application and its base URLs. */
export interface TestApp {
  app: NestExpressApplication;
  http: string;
  ws: string;
  config: AppConfig;
}

/**
 * Starts the real application, as `main.ts` does, on a free loopback port,
 * with `env` as its environment (README: Configuration).
 */
export async function createApp(
  env: Record<string, string> = {},
): Promise<TestApp> {
  const config = parseAppConfig(env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(appConfig.KEY)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    logger: ['error'],
  });
  setupApp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    config,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
  };
}
