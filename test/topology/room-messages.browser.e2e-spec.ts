import type { Browser } from 'playwright-core';
import { openRoomOn, type BalancedPage } from '../helpers/balanced-page';
import { launchChromium, waitForLine } from '../helpers/browser';
import { Topology } from '../helpers/topology';

const TOKEN = 'topology-bot';

// A bot posts to a room through the load balancer; the API's group send goes
// through Redis pub/sub to room pages on both instances.
describe('POST /api/rooms/<room>/messages through the load balancer (e2e)', () => {
  let topology: Topology;
  let browser: Browser;
  const pages: BalancedPage[] = [];

  /** POSTs `body` as is to room `room`'s messages, through the balancer. */
  function post(room: string, body: string, token?: string): Promise<Response> {
    return fetch(`${topology.http}/api/rooms/${room}/messages`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      },
      body,
    });
  }

  beforeAll(async () => {
    topology = await Topology.start({ API_TOKENS: TOKEN });
    browser = await launchChromium();
  }, 60_000); // a bound for a loaded machine: three processes and a browser start

  afterAll(async () => {
    await Promise.all(pages.splice(0).map((balanced) => balanced.close()));
    await browser?.close();
    await topology?.stop();
  });

  it('should show a bot message in windows on both instances', async () => {
    for (const instance of ['app1', 'app2']) {
      pages.push(await openRoomOn(browser, topology.http, 'bots', instance));
    }
    const response = await post(
      'bots',
      JSON.stringify({ message: 'beep from the bot' }),
      TOKEN,
    );
    expect(response.status).toBe(202);
    for (const { page } of pages) {
      await waitForLine(page, 'beep from the bot');
    }
  });

  it('should answer 401 without a token', async () => {
    const response = await post('bots', JSON.stringify({ message: 'x' }));
    expect(response.status).toBe(401);
  });

  it('should answer 400 with the error code for a bad body', async () => {
    const response = await post('bots', '{"text": 1}', TOKEN);
    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toMatchObject({
      error: 'invalid_message',
    });
  });
});
