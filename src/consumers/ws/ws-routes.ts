import { match, type MatchFunction } from 'path-to-regexp';
import type { WebSocketServer } from 'ws';

/** A gateway's WebSocket server and the URL pattern it answers. */
export interface WsRoute {
  readonly path: string;
  readonly server: WebSocketServer;
  readonly match: MatchFunction<Record<string, string>>;
}

/** A route that matched a request path, with its parameters' values. */
export interface WsRouteMatch {
  readonly route: WsRoute;
  readonly params: Record<string, string>;
}

/** Decodes a path parameter; a malformed escape leaves the route unmatched. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '\u0000';
  }
}

/**
 * The gateways' URL patterns with parameters (`/ws/chat/:room/`), per port:
 * platform-ws only matches exact paths. As in Channels' URLRouter, the first
 * pattern registered that matches wins.
 */
export class WsRoutes {
  private readonly routes = new Map<number, WsRoute[]>();

  /** Registers `server` for the requests on `port` whose path matches `path`. */
  add(port: number, path: string, server: WebSocketServer): void {
    const routes = this.routes.get(port) ?? [];
    routes.push({ path, server, match: match(path, { decode: safeDecode }) });
    this.routes.set(port, routes);
  }

  /** The first route on `port` that matches `pathname`, if any. */
  find(port: number, pathname: string): WsRouteMatch | undefined {
    for (const route of this.routes.get(port) ?? []) {
      const result = route.match(pathname);
      if (result) {
        // A plain copy: the match's null-prototype object is a dictionary,
        // kept as long as the connection.
        return { route, params: { ...result.params } };
      }
    }
    return undefined;
  }

  /** Forgets every route. */
  clear(): void {
    this.routes.clear();
  }
}
