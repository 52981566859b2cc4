import type { Browser } from 'playwright-core';
import { openRoomOn, type BalancedPage } from '../helpers/balanced-page';
import { launchChromium, say, waitForLine } from '../helpers/browser';
import { sentinelMonitor } from '../helpers/deployment-files';
import { pollUntil } from '../helpers/poll-until';
import { SentinelSetup } from '../helpers/redis-sentinel';
import { Topology } from '../helpers/topology';

// docker/compose.sentinel.yaml without containers: Redis master, replica and
// three sentinels, two instances (Redis pub/sub, the compose default) asking
// the sentinels for the master, docker/haproxy.cfg in front, Debian's Chromium.
describe('Chat in Chromium through the load balancer, on Redis Sentinel (e2e)', () => {
  let sentinel: SentinelSetup;
  let topology: Topology;
  let browser: Browser;
  const pages: BalancedPage[] = [];

  /** Polls `/readyz` of every instance, as HAProxy does, until each answers `status`. */
  function instancesReady(status: number): Promise<true> {
    return pollUntil(`every /readyz ${status}`, async () => {
      const answers = await Promise.all(
        topology.instances.map(({ port }) =>
          fetch(`http://127.0.0.1:${port}/readyz`).then(
            (response) => response.status,
          ),
        ),
      );
      return answers.every((answer) => answer === status) ? true : undefined;
    });
  }

  beforeAll(async () => {
    topology = await Topology.start({}, async () => {
      sentinel = await SentinelSetup.start(sentinelMonitor().name);
      return sentinel;
    });
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await Promise.all(pages.map((balanced) => balanced.close()));
    await browser?.close();
    await topology?.stop();
  });

  it('should go on chatting through a master failover, with no page reconnecting', async () => {
    const alice = await openRoomOn(browser, topology.http, 'failover', 'app1');
    pages.push(alice);
    const bob = await openRoomOn(browser, topology.http, 'failover', 'app2');
    pages.push(bob);
    await say(alice.page, 'before the failover');
    for (const { page } of [alice, bob]) {
      await waitForLine(page, 'before the failover');
    }
    const lastBefore = Date.now();

    const oldPort = await sentinel.killMaster();
    await instancesReady(503);
    // The layer refuses the message: the page shows why, and stays connected.
    await say(alice.page, 'while the master is down');
    await alice.page.waitForSelector('#chat-error:not([hidden])');
    await sentinel.untilPromoted(oldPort);
    await instancesReady(200);

    await say(bob.page, 'after the failover');
    for (const { page } of [alice, bob]) {
      await waitForLine(page, 'after the failover');
    }
    const outageMs = Date.now() - lastBefore;
    expect([alice.handshakes, bob.handshakes]).toEqual([1, 1]);
    for (const { page } of [alice, bob]) {
      await expect(page.textContent('#connection-state')).resolves.toBe(
        'connected',
      );
    }
    process.stdout.write(
      `sentinel failover in Chromium through HAProxy: ${JSON.stringify({ outageMs })}\n`,
    );
  }, 60_000);
});
