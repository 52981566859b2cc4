import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  logLines,
  openRoom,
  say,
  waitForLine,
  waitForState,
} from '../helpers/browser';
import { contrastRatio, textColors } from '../helpers/contrast';
import { createApp, type TestApp } from '../helpers/create-app';
import { WsClient } from '../helpers/ws-client';

/** Waits until `#chat-error` is shown and holds `text`. */
async function waitForError(page: Page, text: string): Promise<void> {
  await page.locator('#chat-error', { hasText: text }).waitFor();
}

// README: Security. The room page's share of the edge: IME, refusals, limits, accessibility.
describe('Room page (e2e, Chromium)', () => {
  let testApp: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    testApp = await createApp({ WS_MAX_PAYLOAD: '1024' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser.close();
    await testApp.app.close();
  });

  it('should not send on an Enter that confirms an IME composition', async () => {
    const page = await openRoom(browser, testApp.http, 'ime');
    await page.fill('#chat-message-input', '안녕');
    await page.dispatchEvent('#chat-message-input', 'keydown', {
      key: 'Enter',
      isComposing: true,
    });
    // Chromium reports some composition keys only as keyCode 229.
    await page.evaluate(`(() => {
      const event = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true });
      Object.defineProperty(event, 'keyCode', { value: 229 });
      document.querySelector('#chat-message-input').dispatchEvent(event);
    })()`);
    await expect(page.inputValue('#chat-message-input')).resolves.toBe('안녕');
    await page.fill('#chat-message-input', 'sent');
    await page.press('#chat-message-input', 'Enter');
    await waitForLine(page, 'sent');
    expect(await logLines(page)).toEqual(['sent']);
    await page.close();
  });

  it('should not open a room on an Enter that confirms an IME composition on the index page', async () => {
    const page = await browser.newPage();
    await page.goto(`${testApp.http}/`);
    await page.fill('#room-name-input', '회의');
    await page.dispatchEvent('#room-name-input', 'keydown', {
      key: 'Enter',
      isComposing: true,
    });
    // Still on the index page: the input is there to complete the name.
    await page.fill('#room-name-input', '회의실');
    await page.press('#room-name-input', 'Enter');
    await page.waitForURL(
      `${testApp.http}/chat/${encodeURIComponent('회의실')}/`,
    );
    await page.close();
  });

  it('should show why a bad room is refused, and stop reconnecting', async () => {
    const page = await browser.newPage();
    await page.goto(
      `${testApp.http}/chat/${encodeURIComponent('evil\u202eroom')}/`,
    );
    await waitForState(page, 'refused');
    await waitForError(page, 'This room name cannot be used');
    await page.close();
  });

  it('should show why a full server refuses, while it retries', async () => {
    const full = await createApp({ WS_MAX_CONNECTIONS: '1' });
    const occupant = await WsClient.connect(`${full.ws}/ws/chat/lobby/`);
    const page = await browser.newPage();
    try {
      await page.goto(`${full.http}/chat/lobby/`);
      await waitForError(page, 'The server is full.');
      await waitForState(page, 'reconnecting');
    } finally {
      await page.close();
      await occupant.close();
      await full.app.close();
    }
  });

  it('should hold back a message over WS_MAX_PAYLOAD with a note, and keep the socket', async () => {
    const page = await openRoom(browser, testApp.http, 'long');
    await say(page, 'x'.repeat(2000));
    await waitForError(page, 'Message too long');
    await expect(page.inputValue('#chat-message-input')).resolves.toHaveLength(
      2000,
    );
    await say(page, 'short');
    await waitForLine(page, 'short');
    await expect(
      page.getAttribute('#connection-state', 'data-state'),
    ).resolves.toBe('open');
    await page.close();
  });

  it('should announce new messages in a role="log" region', async () => {
    const page = await openRoom(browser, testApp.http, 'announced');
    await say(page, 'hello screen reader');
    await page.waitForSelector(
      '[role="log"][aria-live="polite"] >> text=hello screen reader',
      {
        state: 'attached',
      },
    );
    await page.close();
  });

  it.each(['light', 'dark'] as const)(
    'should meet WCAG AA contrast for the state badge and the error text (%s)',
    async (colorScheme) => {
      const page = await browser.newPage({ colorScheme });
      await page.goto(`${testApp.http}/chat/contrast/`);
      await waitForState(page, 'open');
      for (const state of [
        'connecting',
        'reconnecting',
        'open',
        'closed',
        'refused',
      ]) {
        await page.evaluate(
          `document.querySelector('#connection-state').dataset.state = ${JSON.stringify(state)}`,
        );
        const { foreground, background } = await textColors(
          page,
          '#connection-state',
        );
        // The state is in the comparison, so a failure names it.
        const ratio = contrastRatio(foreground, background);
        expect({ state, meetsAA: ratio >= 4.5 }).toEqual({
          state,
          meetsAA: true,
        });
      }
      await page.evaluate(`(() => {
        const line = document.querySelector('#chat-error');
        line.textContent = 'An error';
        line.hidden = false;
      })()`);
      const { foreground, background } = await textColors(page, '#chat-error');
      expect(contrastRatio(foreground, background)).toBeGreaterThanOrEqual(4.5);
      await page.close();
    },
  );
});
