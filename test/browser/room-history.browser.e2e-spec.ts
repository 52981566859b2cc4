import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  logLines,
  openRoom,
  waitForLine,
  waitForState,
} from '../helpers/browser';
import { createApp, type TestApp } from '../helpers/create-app';
import { WsClient } from '../helpers/ws-client';

// README: Room history, as the room page uses it.
describe('Room page with room history (e2e, Chromium)', () => {
  let testApp: TestApp;
  let browser: Browser;
  const clients: WsClient[] = [];

  /** A plain WebSocket client in `room` of `app`. */
  async function member(app: TestApp, room: string): Promise<WsClient> {
    const client = await WsClient.connect(`${app.ws}/ws/chat/${room}/`);
    clients.push(client);
    return client;
  }

  /** Sends `text` from `client` and waits until it came back (it is stored then). */
  async function sendFrom(client: WsClient, text: string): Promise<void> {
    client.send({ message: text });
    while (
      ((await client.nextMessage()) as { message?: string }).message !== text
    );
  }

  /** Leaves the room page and comes back to it in the same tab (its sessionStorage kept). */
  async function leaveWhile(
    page: Page,
    app: TestApp,
    room: string,
    away: () => Promise<void>,
  ): Promise<void> {
    await page.goto('about:blank');
    await away();
    await page.goto(`${app.http}/chat/${room}/`);
    await waitForState(page, 'open');
  }

  beforeAll(async () => {
    testApp = await createApp({ CHAT_HISTORY_SIZE: '100' });
    browser = await launchChromium();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await browser.close();
    await testApp.app.close();
  });

  it('should show the recent history when the room opens, each message once', async () => {
    const other = await member(testApp, 'recent');
    for (const text of ['one', 'two', 'three']) {
      await sendFrom(other, text);
    }
    const page = await openRoom(browser, testApp.http, 'recent');
    await sendFrom(other, 'live');
    await waitForLine(page, 'live');
    expect(await logLines(page)).toEqual(['one', 'two', 'three', 'live']);
    await page.close();
  });

  it('should resume after a dropped connection and after coming back, with no duplicate', async () => {
    const page = await browser.newPage();
    const urls: string[] = [];
    const routes: Array<() => void> = [];
    await page.routeWebSocket(/\/ws\/chat\//, (route) => {
      urls.push(route.url());
      const server = route.connectToServer();
      routes.push(() => {
        void route.close();
        void server.close();
      });
    });
    await page.goto(`${testApp.http}/chat/resume/`);
    await waitForState(page, 'open');
    const other = await member(testApp, 'resume');
    await sendFrom(other, 'm1');
    await waitForLine(page, 'm1');

    routes[0]();
    await sendFrom(other, 'm2');
    await sendFrom(other, 'm3');
    await waitForLine(page, 'm3');
    expect(urls[1]).toContain('?since=');

    await leaveWhile(page, testApp, 'resume', () => sendFrom(other, 'm4'));
    await sendFrom(other, 'm5');
    await waitForLine(page, 'm5');
    expect(await logLines(page)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    await expect(page.isHidden('#chat-notice')).resolves.toBe(true);
    await page.close();
  });

  it('should show a note when the history no longer reaches back to the last message shown', async () => {
    const small = await createApp({ CHAT_HISTORY_SIZE: '2' });
    const page = await openRoom(browser, small.http, 'trimmed');
    try {
      const other = await member(small, 'trimmed');
      await sendFrom(other, 'seen');
      await waitForLine(page, 'seen');
      await leaveWhile(page, small, 'trimmed', async () => {
        for (const text of ['lost', 'kept1', 'kept2']) {
          await sendFrom(other, text);
        }
      });
      await page
        .locator('#chat-notice', { hasText: 'could not be recovered' })
        .waitFor();
      await waitForLine(page, 'kept2');
      expect(await logLines(page)).toEqual(['seen', 'kept1', 'kept2']);
    } finally {
      await page.close();
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await small.app.close();
    }
  });
});
