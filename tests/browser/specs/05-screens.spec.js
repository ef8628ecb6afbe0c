// Screenshots of the main page with tasks in several states, for people to
// look at (test-results/screens/), on a wide and a narrow screen.
'use strict';

const { test, expect, screenshot, submitViaApi, waitForDone } = require('./fixtures');

test('main page with done and running tasks', async ({ page, request }) => {
  for (const n of [100, 2718, 31415]) await submitViaApi(request, n);
  for (const n of [100, 2718, 31415]) await waitForDone(request, n);
  // Big enough to be running for a while on two workers.
  await submitViaApi(request, 3000000);
  await submitViaApi(request, 8000000);

  await page.goto('/');
  await expect(page.locator('#connection')).toHaveText('live');
  await expect(page.locator('#task-rows tr[data-status="running"]').first()).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('#task-rows tr[data-status="running"] .bar')).not.toHaveCount(0);
  await page.waitForTimeout(1500);  // let a progress event or two arrive
  await screenshot(page, 'index');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'index-mobile');

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/pi/8000000');
  await screenshot(page, 'pi-pending');
});
