import type { Browser } from 'playwright-core';
import { ChannelLayer } from '../../src/channel-layer';
import {
  launchChromium,
  logLines,
  openRoom,
  say,
  waitForLine,
  waitForState,
} from '../helpers/browser';
import { createApp, type TestApp } from '../helpers/create-app';
import { holdNextCall } from '../helpers/held-call';

// The Django Channels tutorial, part 4, in a real browser.
describe('Chat in Chromium (e2e)', () => {
  let testApp: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    testApp = await createApp();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser.close();
    await testApp.app.close();
  });

  it('should open the room typed on the index page, with Enter', async () => {
    const page = await browser.newPage();
    await page.goto(`${testApp.http}/`);
    await page.fill('#room-name-input', 'lobby');
    await page.press('#room-name-input', 'Enter');
    await page.waitForURL(`${testApp.http}/chat/lobby/`);
    await waitForState(page, 'open');
    await page.close();
  });

  it('should show a message to both windows of a room and not to another room', async () => {
    const alice = await openRoom(browser, testApp.http, 'lobby');
    const bob = await openRoom(browser, testApp.http, 'lobby');
    const carol = await openRoom(browser, testApp.http, 'kitchen');

    await say(alice, 'hello from alice');
    await waitForLine(alice, 'hello from alice');
    await waitForLine(bob, 'hello from alice');

    // The layer delivers in order, so carol's own line arrives after anything
    // lobby could have leaked to her.
    await say(carol, 'carol was here');
    await waitForLine(carol, 'carol was here');
    expect(await logLines(carol)).toEqual(['carol was here']);
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  });

  it('should keep the log across a reload and chat again after it', async () => {
    const alice = await openRoom(browser, testApp.http, 'reload-room');
    await say(alice, 'before reload');
    await waitForLine(alice, 'before reload');

    await alice.reload();
    await waitForState(alice, 'open');
    await say(alice, 'after reload');
    await waitForLine(alice, 'after reload');
    expect(await logLines(alice)).toEqual(['before reload', 'after reload']);
    await alice.close();
  });

  it('should send a message typed before the socket opened, once it opens', async () => {
    // Hold the handshake in the gateway's connect step until the message is typed.
    const layer = testApp.app.get(ChannelLayer);
    const connect = holdNextCall(layer, 'groupAdd');

    const page = await browser.newPage();
    await page.goto(`${testApp.http}/chat/early/`);
    await say(page, 'typed early');
    await expect(
      page.getAttribute('#connection-state', 'data-state'),
    ).resolves.toBe('connecting');
    connect.release();
    await waitForLine(page, 'typed early');
    await page.close();
  });

  it('should show a Unicode room name and chat in it', async () => {
    const page = await openRoom(browser, testApp.http, '회의실');
    await expect(page.textContent('#room-title')).resolves.toBe('회의실');
    await say(page, '안녕하세요');
    await waitForLine(page, '안녕하세요');
    await page.close();
  });
});
