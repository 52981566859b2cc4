import { Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { appConfig, type AppConfig } from '../config/app.config';
import { AddressRateLimiter } from './address-rate-limiter';
import { isHostAllowed } from './allowed-hosts';
import {
  clientAddress,
  compileTrustProxy,
  rateLimitKey,
  TRUST_NO_PROXY,
  type TrustProxy,
} from './client-address';
import { isOriginAllowed } from './request-origin';
import type { UpgradeRefusal } from '../consumers';

/** The refusals' texts, in one place. */
export const EDGE_REFUSALS = {
  host: { status: 400, reason: 'Invalid Host header' },
  origin: { status: 403, reason: 'Origin not allowed' },
  handshakeRate: {
    status: 429,
    reason: 'Too many connection attempts from this address; try again later',
  },
} as const satisfies Record<string, UpgradeRefusal>;

/**
 * The checks at the edge that depend on who the client is: its `Host` and
 * `Origin`, and the limits kept per client address (handshakes, chat
 * messages), which outlive a connection so a reconnect does not reset them.
 */
@Injectable()
export class EdgeGuard {
  private readonly trust: TrustProxy;
  private readonly handshakes: AddressRateLimiter;
  private readonly messages: AddressRateLimiter;

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {
    this.trust = config.trustProxy
      ? compileTrustProxy(config.trustProxy)
      : TRUST_NO_PROXY;
    this.handshakes = new AddressRateLimiter(
      config.wsHandshakeRateLimit,
      config.wsHandshakeRateBurst,
    );
    this.messages = new AddressRateLimiter(
      config.chatAddressRateLimit,
      config.chatAddressRateBurst,
    );
  }

  /** Whether an HTTP request's `Host` is served (`ALLOWED_HOSTS`). */
  isHostAllowed(host: string | undefined): boolean {
    return isHostAllowed(host, this.config.allowedHosts);
  }

  /** Why `request` (Host, Origin, or too many handshakes) must be refused, if it must. */
  checkUpgrade(request: IncomingMessage): UpgradeRefusal | undefined {
    return this.refusal(request, request.headers.origin, true);
  }

  /**
   * What `checkUpgrade` would answer a handshake from this client with
   * `origin`, taking nothing from its limit: for a page to learn why its
   * socket was refused (a browser does not say).
   */
  predictUpgrade(
    request: IncomingMessage,
    origin: string | undefined,
  ): UpgradeRefusal | undefined {
    return this.refusal(request, origin, false);
  }

  /**
   * The key of the per-address limits of the client that made `request`:
   * worked out once per connection, as a connection's address does not change.
   */
  clientKeyOf(request: {
    remoteAddress?: string;
    headers: IncomingHttpHeaders;
  }): string {
    const address = request.remoteAddress ?? '';
    const key = this.clientKey(address, request.headers);
    // Kept per connection: the address's own string when the text is the same.
    return key === address ? address : key;
  }

  /** Takes one chat message from the limit of the client `clientKeyOf` named: false when over it. */
  takeMessage(clientKey: string): boolean {
    return this.messages.take(clientKey);
  }

  private refusal(
    request: IncomingMessage,
    origin: string | undefined,
    take: boolean,
  ): UpgradeRefusal | undefined {
    const { headers, socket } = request;
    if (!this.isHostAllowed(headers.host)) {
      return EDGE_REFUSALS.host;
    }
    if (
      !isOriginAllowed(origin, request, this.config.allowedOrigins, this.trust)
    ) {
      return EDGE_REFUSALS.origin;
    }
    const key = this.clientKey(socket.remoteAddress ?? '', headers);
    const allowed = take
      ? this.handshakes.take(key)
      : this.handshakes.wouldTake(key);
    return allowed ? undefined : EDGE_REFUSALS.handshakeRate;
  }

  /** The key of the client's per-address limits (see `rateLimitKey`). */
  private clientKey(
    remoteAddress: string,
    headers: IncomingHttpHeaders,
  ): string {
    return rateLimitKey(clientAddress(remoteAddress, headers, this.trust));
  }

  /** The `trust proxy` value for Express, so `req.ip` agrees with these limits. */
  get trustProxy(): TrustProxy {
    return this.trust;
  }
}
