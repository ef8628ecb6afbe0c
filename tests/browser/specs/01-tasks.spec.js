// The main flow: submit n on the page, watch the row go live to done, read the
// digits on the pi page.
'use strict';

const { test, expect, screenshot, submitViaApi } = require('./fixtures');

const FIRST_50 = '14159265358979323846264338327950288419716939937510';

test('submitting n=1000 adds a row that reaches done without a reload, and /pi/1000 shows the digits', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.locator('#connection')).toHaveAttribute('data-state', 'live');
  // A marker that a reload would wipe.
  await page.evaluate(() => { window.__sameDocument = true; });

  await page.fill('#n', '1000');
  await page.click('#task-form button[type=submit]');
  const row = page.locator('tr#task-1000');
  await expect(row).toBeVisible();
  await expect(page.locator('#form-error')).toHaveText('');
  await expect(row).toHaveAttribute('data-status', 'done', { timeout: 30_000 });

  const txt = await (await request.get('/pi/1000.txt')).text();
  expect(txt.length).toBe(1002);
  const digit = txt[txt.length - 1];
  await expect(row.locator('.c-digit')).toHaveText(digit);
  await expect(row.locator('.badge')).toHaveText('done');
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
  await screenshot(page, 'index-after-1000');

  await row.locator('.c-n a').click();
  await expect(page).toHaveURL(/\/pi\/1000$/);
  await expect(page.locator('h1')).toContainText('1,000');
  const decimals = await page.locator('#digits .g').evaluateAll((groups) => groups.map((g) => g.textContent).join(''));
  expect(decimals.slice(0, 50)).toBe(FIRST_50);
  expect(decimals).toBe(txt.slice(2));
  await expect(page.locator('#digits .line').first().locator('.head')).toHaveText('3.');
  const marked = page.locator('#digits mark.nth:not(:empty)');
  await expect(marked).toHaveCount(1);
  await expect(marked).toHaveText(digit);
  // The mark is the very last decimal shown.
  const lastGroup = await page.locator('#digits .g').last().textContent();
  expect(lastGroup.endsWith(digit)).toBe(true);
  await expect(page.locator(`a[href="/pi/1000.txt"]`)).toBeVisible();
  await screenshot(page, 'pi-1000');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'pi-1000-mobile');
});

test('the pi page for a large n shows a window with navigation and a go-to form', async ({ page, request }) => {
  const n = 23456;
  const created = await request.post('/api/tasks', { data: { n }, headers: { Accept: 'application/json' } });
  expect([200, 201]).toContain(created.status());
  await expect.poll(async () => (await (await request.get('/api/tasks/' + n)).json()).status, { timeout: 30_000 }).toBe('done');
  const txt = await (await request.get(`/pi/${n}.txt`)).text();

  await page.goto(`/pi/${n}`);
  const marked = page.locator('#digits mark.nth:not(:empty)');
  await expect(marked).toHaveText(txt[txt.length - 1]);
  await expect(page.locator('.window-nav')).toBeVisible();

  await page.fill('#from', '1');
  await page.click('.goto button');
  await expect(page).toHaveURL(new RegExp(`/pi/${n}\\?from=1$`));
  const decimals = await page.locator('#digits .g').evaluateAll((groups) => groups.map((g) => g.textContent).join(''));
  expect(decimals.slice(0, 50)).toBe(FIRST_50);
  expect(txt.slice(2).startsWith(decimals)).toBe(true);
  await expect(page.locator('#digits mark.nth:not(:empty)')).toHaveCount(0);
  await screenshot(page, 'pi-window-first', { fullPage: false });

  await page.locator('.window-nav a', { hasText: 'Next' }).click();
  const next = await page.locator('#digits .line .pos').first().textContent();
  expect(Number(next.replace(/\D/g, ''))).toBeGreaterThan(1);
  await page.locator('.window-nav a', { hasText: 'Last' }).click();
  await expect(page.locator('#digits mark.nth:not(:empty)')).toHaveText(txt[txt.length - 1]);
});

test('the pi page of a task still running follows it and shows the digits when done', async ({ page, request }) => {
  const n = 1500000;
  await submitViaApi(request, n);
  await page.goto(`/pi/${n}`);
  // Usually still queued or running here; either way the digits must appear
  // without anyone reloading.
  await expect(page.locator('#digits mark.nth:not(:empty)')).toHaveCount(1, { timeout: 40_000 });
  const task = await (await request.get('/api/tasks/' + n)).json();
  await expect(page.locator('#digits mark.nth:not(:empty)')).toHaveText(String(task.digit));
});
