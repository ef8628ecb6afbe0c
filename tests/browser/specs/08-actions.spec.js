// Acting on tasks from the page (issue 8's page part): cancel and retry (with
// and without JavaScript, and the owner rule), filter tabs with live counts,
// the go-to box.
'use strict';

const { test, expect, screenshot, submitViaApi, waitForDone } = require('./fixtures');

// Big enough to be queued or running for many seconds on the test stack.
const LONG = 30000000;

async function watchConsole(page) {
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return problems;
}

test('cancel and retry through the page: the row changes in place and the focus stays', async ({ page }) => {
  const problems = await watchConsole(page);
  await page.goto('/');
  await expect(page.locator('#connection')).toHaveAttribute('data-state', 'live');
  // Created by this browser (the owner cookie), so it may cancel it.
  await page.fill('#n', String(LONG));
  await page.click('#task-form button[type=submit]');
  const row = page.locator(`#task-${LONG}`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-status', /queued|running/);
  await expect(row.locator('.eta')).toHaveText(/^about .+ left$/);
  const cancel = row.locator('button', { hasText: 'Cancel' });
  await cancel.focus();
  await page.keyboard.press('Enter');
  await expect(row).toHaveAttribute('data-status', 'cancelled');
  await expect(row.locator('.badge')).toHaveText('cancelled');
  await expect(page.locator('#action-error')).toHaveText('');
  // The cancel button is gone; the focus went to what the row offers now.
  const retry = row.locator('button', { hasText: 'Retry' });
  await expect(retry).toBeVisible();
  expect(await page.evaluate(() => document.activeElement.closest('tr') && document.activeElement.closest('tr').id))
    .toBe(`task-${LONG}`);
  await screenshot(page, 'index-cancelled');

  await retry.click();
  await expect(row).toHaveAttribute('data-status', /queued|running/);
  await row.locator('button', { hasText: 'Cancel' }).click();
  await expect(row).toHaveAttribute('data-status', 'cancelled');
  expect(problems, problems.join('\n')).toEqual([]);
});

test('cancelling a task another browser created says why, plainly', async ({ page, request }) => {
  // Created through the API (no cookie of this page's browser).
  const task = await submitViaApi(request, LONG + 1);
  await page.goto('/');
  const row = page.locator(`#task-${task.n}`);
  await expect(row).toBeVisible();
  await row.locator('button', { hasText: 'Cancel' }).click();
  await expect(page.locator('#action-error')).toContainText('only the browser that created task');
  await expect(row).toHaveAttribute('data-status', /queued|running/);
  await screenshot(page, 'index-cancel-refused', { fullPage: false });
  // Clean up as its owner.
  const owner = await request.post(`/api/tasks/${task.n}/cancel`);
  expect(owner.status()).toBe(200);
});

test('without JavaScript the cancel and retry buttons are plain forms', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: process.env.PI_BASE_URL });
  const page = await context.newPage();
  const n = LONG + 2;
  await page.goto('/');
  await page.fill('#n', String(n));
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.click('#task-form button[type=submit]')]);
  const row = page.locator(`#task-${n}`);
  await expect(row).toHaveAttribute('data-status', /queued|running/);
  await Promise.all([page.waitForURL(new RegExp(`/#task-${n}$`)), row.locator('button', { hasText: 'Cancel' }).click()]);
  await expect(page.locator(`#task-${n}`)).toHaveAttribute('data-status', 'cancelled');
  await Promise.all([page.waitForURL(new RegExp(`/#task-${n}$`)), page.locator(`#task-${n} button`, { hasText: 'Retry' }).click()]);
  await expect(page.locator(`#task-${n}`)).toHaveAttribute('data-status', /queued|running/);
  await page.locator(`#task-${n} button`, { hasText: 'Cancel' }).click();
  await expect(page.locator(`#task-${n}`)).toHaveAttribute('data-status', 'cancelled');
  await context.close();
});

test('filter tabs show live counts, filter the table and keep the filter when paging', async ({ page, request }) => {
  for (const n of [211, 212, 213]) await submitViaApi(request, n);
  for (const n of [211, 212, 213]) await waitForDone(request, n);
  await page.goto('/');
  await expect(page.locator('#connection')).toHaveAttribute('data-state', 'live');
  const counts = (await (await request.get('/api/tasks?limit=1')).json()).counts;
  const doneTab = page.locator('.tabs a[data-status="done"]');
  await expect(doneTab.locator('.count')).toHaveText(counts.done.toLocaleString('en-US'));

  // Live: a new task's "done" shows in the count without a reload.
  await submitViaApi(request, 214);
  await expect(doneTab.locator('.count')).toHaveText((counts.done + 1).toLocaleString('en-US'), { timeout: 30_000 });

  await doneTab.click();
  await expect(page).toHaveURL(/\/\?status=done$/);
  await expect(doneTab).toHaveAttribute('aria-current', 'page');
  const statuses = await page.locator('#task-rows tr').evaluateAll((rows) => rows.map((r) => r.dataset.status));
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(['done']));
  await screenshot(page, 'index-filter-done', { fullPage: false });

  // Paging keeps the filter and older pages link back to the newest.
  await page.goto('/?status=done&limit=2');
  const more = page.locator('#load-more');
  await expect(more).toHaveAttribute('href', /^\/\?status=done&limit=2&before=\d+$/);
  await more.click();
  await expect(page.locator('#newer')).toHaveAttribute('href', '/?status=done&limit=2');
  const older = await page.locator('#task-rows tr').evaluateAll((rows) => rows.map((r) => r.dataset.status));
  expect(new Set(older)).toEqual(new Set(['done']));
});

test('the go-to box brings a row on the page into view, or opens the task', async ({ page, request }) => {
  await submitViaApi(request, 1234);
  await waitForDone(request, 1234);
  await page.goto('/');
  await page.fill('#goto-n', '1,234');
  await page.press('#goto-n', 'Enter');
  const row = page.locator('#task-1234');
  await expect(row).toHaveClass(/flash/);
  await expect(row).toBeInViewport();
  expect(await page.evaluate(() => document.activeElement.closest('tr').id)).toBe('task-1234');

  // An n not on this page: the server reads it by the typed-number rule.
  await page.fill('#goto-n', '９８７');
  await Promise.all([page.waitForURL(/\/pi\/987$/), page.press('#goto-n', 'Enter')]);
});
