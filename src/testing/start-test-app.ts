import type {
  DynamicModule,
  ForwardReference,
  INestApplication,
  LogLevel,
  Type,
} from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { ChannelLayer, createChannelLayer } from '../channel-layer';
import { RoutedWsAdapter } from '../consumers';
import { TestApplication } from './test-application';

/** A module `startTestApp` can start. */
export type TestAppModule =
  Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** Options of `startTestApp`. */
export interface TestAppOptions<T extends INestApplication> {
  /**
   * Replace the application's `ChannelLayer` with a fresh in-memory one, as
   * Channels' tests use `InMemoryChannelLayer`; `false` keeps the module's own.
   * @default true
   */
  memoryLayer?: boolean;
  /** Changes the testing module before it compiles (`overrideProvider`, …). */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /**
   * Prepares the application before it listens, as your `main.ts` does.
   * @default installs `RoutedWsAdapter` with its default options
   */
  setup?: (app: T) => void | Promise<void>;
  /** Nest's log levels while the test runs. @default ['error'] */
  logger?: LogLevel[] | false;
}

/**
 * Starts `modules` (your root module, or feature modules together with
 * `ChannelLayerModule` and `ConsumersModule`) as an application on a free
 * loopback port. Close it with `close()` after the tests.
 */
export async function startTestApp<
  T extends INestApplication = INestApplication,
>(
  modules: TestAppModule | TestAppModule[],
  options: TestAppOptions<T> = {},
): Promise<TestApplication<T>> {
  let builder = Test.createTestingModule({
    imports: Array.isArray(modules) ? modules : [modules],
  });
  if (options.memoryLayer ?? true) {
    builder = builder
      .overrideProvider(ChannelLayer)
      .useFactory({ factory: () => createChannelLayer({ backend: 'memory' }) });
  }
  builder = options.override?.(builder) ?? builder;
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<T>({
    logger: options.logger ?? ['error'],
  });
  if (options.setup) {
    await options.setup(app);
  } else {
    app.useWebSocketAdapter(new RoutedWsAdapter(app));
  }
  await app.listen(0, '127.0.0.1');
  return new TestApplication(app);
}
