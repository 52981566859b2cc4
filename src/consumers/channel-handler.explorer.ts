import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import {
  GATEWAY_METADATA,
  GATEWAY_OPTIONS,
} from '@nestjs/websockets/constants';
import { handlerKey } from './handler-name';
import type { ConsumerGateway } from './consumer-gateway.interface';
import { CHANNEL_HANDLER_METADATA } from './consumers.constants';
import type {
  BoundChannelHandler,
  ConsumerDefinition,
} from './consumer-definition.interface';

/**
 * Finds, at bootstrap, every WebSocket gateway with a `path` and maps each
 * `@ChannelHandler` type of it to its method (as `bull.explorer.ts` maps
 * `@Process` handlers). Two handlers for one type in one gateway are refused.
 */
@Injectable()
export class ChannelHandlerExplorer implements OnModuleInit {
  private readonly definitions = new Map<string, ConsumerDefinition>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as object | undefined;
      const { metatype } = wrapper;
      if (
        !instance ||
        !metatype ||
        !Reflect.getMetadata(GATEWAY_METADATA, metatype)
      ) {
        continue;
      }
      const options = Reflect.getMetadata(GATEWAY_OPTIONS, metatype) as
        { path?: string } | undefined;
      if (options?.path) {
        this.definitions.set(
          options.path,
          this.explore(options.path, instance),
        );
      }
    }
  }

  /** The gateway routed at `path` (its `@WebSocketGateway({ path })`). */
  definitionFor(path: string): ConsumerDefinition | undefined {
    return this.definitions.get(path);
  }

  private explore(path: string, gateway: ConsumerGateway): ConsumerDefinition {
    const name = gateway.constructor.name;
    const handlers = new Map<string, BoundChannelHandler>();
    const declared = new Map<string, BoundChannelHandler>();
    const prototype = Object.getPrototypeOf(gateway) as Record<string, unknown>;
    for (const method of this.scanner.getAllMethodNames(prototype)) {
      const handler = prototype[method] as BoundChannelHandler;
      const type = this.reflector.get<string | undefined>(
        CHANNEL_HANDLER_METADATA,
        handler,
      );
      if (type === undefined) {
        continue;
      }
      const key = handlerKey(type);
      if (key === undefined) {
        throw new Error(
          `${name}.${method}: @ChannelHandler('${type}') is not a valid type`,
        );
      }
      if (handlers.has(key)) {
        throw new Error(
          `${name}: two @ChannelHandler methods for type "${type}"`,
        );
      }
      const bound: BoundChannelHandler = handler.bind(gateway);
      handlers.set(key, bound);
      declared.set(type, bound);
    }
    return { path, name, gateway, handlers, declared };
  }
}
