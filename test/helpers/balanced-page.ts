import type { Browser, CDPSession, Page } from 'playwright-core';
import { waitForState } from './browser';

/** CDP's `Network.webSocketHandshakeResponseReceived`, the part read here. */
interface HandshakeResponse {
  response: { status: number; headers: Record<string, string> };
}

/**
 * A room page opened through the load balancer, which records the replica
 * that answered each of its WebSocket handshakes (the balancer's
 * `X-Served-By`), as Chromium's DevTools protocol reports them.
 */
export class BalancedPage {
  private readonly servers: string[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly page: Page) {}

  /** Opens room `room` at `baseUrl` and waits until its socket is open. */
  static async open(
    browser: Browser,
    baseUrl: string,
    room: string,
  ): Promise<BalancedPage> {
    const page = await browser.newPage();
    const balanced = new BalancedPage(page);
    const cdp: CDPSession = await page.context().newCDPSession(page);
    cdp.on('Network.webSocketHandshakeResponseReceived', (event) =>
      balanced.onHandshake(event as HandshakeResponse),
    );
    await cdp.send('Network.enable');
    await page.goto(`${baseUrl}/chat/${encodeURIComponent(room)}/`);
    await waitForState(page, 'open');
    return balanced;
  }

  /** The replica that answered handshake number `index` (0: the first). */
  async servedBy(index: number): Promise<string> {
    while (this.servers.length <= index) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.servers[index];
  }

  /** How many handshakes have succeeded so far. */
  get handshakes(): number {
    return this.servers.length;
  }

  close(): Promise<void> {
    return this.page.close();
  }

  private onHandshake({ response }: HandshakeResponse): void {
    if (response.status !== 101) {
      return;
    }
    const header = Object.entries(response.headers).find(
      ([name]) => name.toLowerCase() === 'x-served-by',
    );
    this.servers.push(header?.[1] ?? '');
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) {
      wake();
    }
  }
}

/**
 * A room page whose socket landed on replica `instance`. The balancer sends a
 * new socket to the replica holding the fewest connections (the browser's
 * pooled keep-alive connections count too), so each miss is kept open until
 * a hit: it weighs on the other replica and the next socket comes here.
 */
export async function openRoomOn(
  browser: Browser,
  baseUrl: string,
  room: string,
  instance: string,
): Promise<BalancedPage> {
  const misses: BalancedPage[] = [];
  try {
    for (let attempt = 0; attempt < 8; attempt++) {
      const balanced = await BalancedPage.open(browser, baseUrl, room);
      if ((await balanced.servedBy(0)) === instance) {
        return balanced;
      }
      misses.push(balanced);
    }
  } finally {
    await Promise.all(misses.map((miss) => miss.close()));
  }
  throw new Error(`no page's socket landed on ${instance}`);
}
