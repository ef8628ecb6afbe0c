// The live connection: the relay goes away and comes back; the page says so
// and catches up on what it missed, without a reload.
'use strict';

const { test, expect, recordConnectionStates, relayPid, screenshot, submitViaApi } = require('./fixtures');

test('relay killed: indicator shows reconnecting then live, and a task submitted meanwhile appears', async ({ page, request }) => {
  await page.goto('/');
  const indicator = page.locator('#connection');
  await expect(indicator).toHaveAttribute('data-state', 'live');
  await expect(indicator).toHaveText('live');
  await recordConnectionStates(page);
  await page.evaluate(() => { window.__sameDocument = true; });

  // deploy/start restarts the relay 0.5 s after it dies; the task is submitted
  // in that gap, so its events go to no one and only the resync can show it.
  const n = 777;
  process.kill(relayPid(), 'SIGKILL');
  const task = await submitViaApi(request, n);
  expect(task.n).toBe(n);

  await expect.poll(() => page.evaluate(() => window.__connectionStates.join(' | ')), { timeout: 15_000 })
    .toMatch(/(lost: connection lost — reconnecting in \d+ s…|reconnecting).*live: live$/);
  await expect(indicator).toHaveAttribute('data-state', 'live');
  await expect(page.locator(`tr#task-${n}`)).toBeVisible();
  await expect(page.locator(`tr#task-${n}`)).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
});

test('while /ws cannot be reached the indicator counts down to the next attempt', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#connection')).toHaveAttribute('data-state', 'live');
  // From now on every WebSocket to /ws is closed as soon as it opens, as long
  // as the test needs: the page must keep saying so and keep trying.
  let attempts = 0;
  let blocked = true;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (!blocked) {
      ws.connectToServer();
      return;
    }
    attempts += 1;
    ws.close();
  });
  await page.evaluate(() => 0);
  // Drop the live socket the page has: the relay restarts it.
  process.kill(relayPid(), 'SIGKILL');
  await expect(page.locator('#connection')).toHaveText(/connection lost — reconnecting in \d+ s…/);
  await expect.poll(() => attempts, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  // Backoff: the countdown grows past the first 0.5 s steps.
  await expect(page.locator('#connection')).toHaveText(/reconnecting in ([2-9]|10) s…/, { timeout: 15_000 });
  await screenshot(page, 'connection-lost', { fullPage: false });
  blocked = false;
  // At most 10 s (with jitter) until the next attempt, which reaches the relay.
  await expect(page.locator('#connection')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
  await expect(page.locator('#connection')).toHaveText('live');
});

test('a gap in the event sequence makes the page resync from the API', async ({ page, request }) => {
  let toPage = null;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    ws.connectToServer();  // everything passes through
    toPage = ws;
  });
  await page.goto('/');
  await expect(page.locator('#connection')).toHaveAttribute('data-state', 'live');
  const task = await submitViaApi(request, 4321);
  await expect(page.locator('tr#task-4321')).toBeVisible();
  await expect(page.locator('tr#task-4321')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });

  // An event far ahead of the page's last seq, claiming the task went back to
  // "taken": a gap, so the page must not apply it but reload from the API.
  const resync = page.waitForRequest((r) => /\/api\/tasks\?limit=\d+/.test(r.url()));
  toPage.send(JSON.stringify({
    type: 'task', seq: 1e9,
    task: Object.assign({}, task, { status: 'running', stage: 'taken', running: true, queued: false }),
  }));
  await resync;
  await expect(page.locator('tr#task-4321')).toHaveAttribute('data-status', 'done');

  // {"type":"resync"} from the relay does the same.
  const again = page.waitForRequest((r) => /\/api\/tasks\?limit=\d+/.test(r.url()));
  toPage.send(JSON.stringify({ type: 'resync', reason: 'test' }));
  await again;
});
