import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { setupApp } from './app.setup';
import { appConfig, type AppConfig } from './config/app.config';
import { ConfigValidationError } from './config/config-validation.error';
import { armShutdownDeadline } from './shutdown-deadline';
import { AppLogger } from './logging/app-logger';

async function bootstrap(): Promise<void> {
  let app: NestExpressApplication;
  try {
    // Logs are held until the configuration is known to be valid, so a bad
    // environment prints its one line per variable and nothing else.
    app = await NestFactory.create<NestExpressApplication>(AppModule, {
      bufferLogs: true,
      autoFlushLogs: false,
      abortOnError: false,
    });
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(
        `Invalid configuration:\n${error.problems.map((line) => `  ${line}\n`).join('')}`,
      );
      process.exit(1);
    }
    throw error;
  }
  app.useLogger(new AppLogger(app.get<AppConfig>(appConfig.KEY).log));
  app.flushLogs();
  const config = setupApp(app);
  armShutdownDeadline(config.shutdownTimeoutMs);
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(
    `Chat on http://${config.host}:${config.port} (channel layer: ${config.channelLayer.backend})`,
  );
}

bootstrap().catch((error: unknown) => {
  // A taken port or a HOST that does not resolve: one clear line, exit 1.
  process.stderr.write(
    `Could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
