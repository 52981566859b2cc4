import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, as this machine's closed network needs it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens the room page of `room` and waits until its socket is open. */
export async function openRoom(
  browser: Browser,
  baseUrl: string,
  room: string,
): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/chat/${encodeURIComponent(room)}/`);
  await waitForState(page, 'open');
  return page;
}

/** Waits until `#connection-state` shows `state`. */
export async function waitForState(page: Page, state: string): Promise<void> {
  await page.waitForSelector(`#connection-state[data-state="${state}"]`);
}

/** Types `text` into the room page and sends it with the button. */
export async function say(page: Page, text: string): Promise<void> {
  await page.fill('#chat-message-input', text);
  await page.click('#chat-message-submit');
}

/** What the predicates below touch of the page: this file is type-checked without the DOM library. */
interface PageGlobals {
  document: {
    querySelector(selector: string): { value: string } | null;
  };
}

/** Waits until `#chat-log` holds the line `text`. */
export async function waitForLine(page: Page, text: string): Promise<void> {
  // A function, not a string: the page's CSP forbids eval, which Playwright
  // needs to poll a string expression.
  await page.waitForFunction(
    (line) =>
      (globalThis as unknown as PageGlobals).document
        .querySelector('#chat-log')
        ?.value.split('\n')
        .includes(line) ?? false,
    text,
  );
}

/** The lines of `#chat-log`. */
export async function logLines(page: Page): Promise<string[]> {
  const value = await page.inputValue('#chat-log');
  return value.split('\n').filter((line) => line !== '');
}
