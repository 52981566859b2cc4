import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { openRoomOn, type BalancedPage } from '../helpers/balanced-page';
import {
  launchChromium,
  logLines,
  say,
  waitForLine,
  waitForState,
} from '../helpers/browser';
import { Topology } from '../helpers/topology';

/**
 * Where the room page's screenshot goes: `npm run docs:screenshot` sets
 * docs/room.png (the README shows it); otherwise a temporary file.
 */
const SCREENSHOT =
  process.env.ROOM_SCREENSHOT !== undefined
    ? resolve(process.env.ROOM_SCREENSHOT)
    : join(tmpdir(), `nest-channels-room-${process.pid}.png`);

/** Starts recording `#connection-state`'s states, from now on, in the page. */
async function recordStates(balanced: BalancedPage): Promise<void> {
  // String expressions: test/ is type-checked without the DOM library.
  await balanced.page.evaluate(`{
    const element = document.querySelector('#connection-state');
    window.recordedStates = [];
    new MutationObserver(() =>
      window.recordedStates.push(element.dataset.state),
    ).observe(element, { attributes: true, attributeFilter: ['data-state'] });
  }`);
}

// The Django Channels tutorial, part 4, through docker/haproxy.cfg in front of
// two instances (Redis pub/sub), in Debian's Chromium.
describe('Chat in Chromium through the load balancer (e2e)', () => {
  let topology: Topology;
  let browser: Browser;
  const pages: BalancedPage[] = [];

  /** Opens a room page on `instance`, kept for `afterEach` to close. */
  async function open(room: string, instance: string): Promise<BalancedPage> {
    const balanced = await openRoomOn(browser, topology.http, room, instance);
    pages.push(balanced);
    return balanced;
  }

  beforeAll(async () => {
    topology = await Topology.start();
    browser = await launchChromium();
  });

  afterEach(async () => {
    await Promise.all(pages.splice(0).map((balanced) => balanced.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await topology?.stop();
  });

  it('should show a message to windows on different instances and not to another room', async () => {
    const alice = await open('lobby', 'app1');
    const bob = await open('lobby', 'app2');
    const carol = await open('kitchen', 'app1');

    await say(alice.page, 'hello from alice on app1');
    await say(bob.page, 'hi alice, bob here on app2');
    for (const { page } of [alice, bob]) {
      await waitForLine(page, 'hello from alice on app1');
      await waitForLine(page, 'hi alice, bob here on app2');
    }

    // Delivery keeps order, so carol's own line comes after anything the
    // lobby could have leaked to her.
    await say(carol.page, 'carol was here');
    await waitForLine(carol.page, 'carol was here');
    expect(await logLines(carol.page)).toEqual(['carol was here']);

    await say(alice.page, 'see you on two instances');
    await waitForLine(alice.page, 'see you on two instances');
    await alice.page.setViewportSize({ width: 720, height: 520 });
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await alice.page.screenshot({ path: SCREENSHOT });
    // A PNG file, whatever it shows.
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
  }, 60_000); // a bound for a loaded machine: three pages' first loads and a screenshot

  it('should show the connection state and recover on the other instance when its instance stops', async () => {
    const alice = await open('stage', 'app1');
    const bob = await open('stage', 'app2');
    await expect(alice.page.textContent('#connection-state')).resolves.toBe(
      'connected',
    );
    await recordStates(alice);

    const exited = topology.instance('app1').process.stop('SIGTERM');
    // The page reconnects through the balancer, which sends it to app2.
    await expect(alice.servedBy(1)).resolves.toBe('app2');
    await waitForState(alice.page, 'open');
    await exited;
    await expect(
      alice.page.evaluate('window.recordedStates'),
    ).resolves.toContain('reconnecting');
    await expect(alice.page.textContent('#connection-state')).resolves.toBe(
      'connected',
    );

    await say(alice.page, 'back, now on app2');
    await say(bob.page, 'welcome back');
    for (const { page } of [alice, bob]) {
      await waitForLine(page, 'back, now on app2');
      await waitForLine(page, 'welcome back');
    }
    expect(alice.handshakes).toBe(2);
  }, 60_000); // a bound for a loaded machine: an instance's shutdown and a reconnection
});
