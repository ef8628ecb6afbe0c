// The pages as a person uses them (issue 13, items 1-7): focus on live
// updates, what the form takes, where the pi page opens, an n asked for
// again, running tasks kept in sight, status in words, copy and dark mode.
'use strict';

const { test, expect, screenshot, submitViaApi, waitForDone } = require('./fixtures');

async function watchConsole(page) {
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return problems;
}

// Larger than anything the other specs store (so never answered from the
// stored digits), and cancelled by each test when done with it.
const LONG = 20000000;
async function cancel(request, n) {
  const response = await request.post(`/api/tasks/${n}/cancel`);
  expect([200, 409]).toContain(response.status());
}

async function noHorizontalScroll(page) {
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(widths[0], 'page width at ' + widths[1] + ' px').toBeLessThanOrEqual(widths[1]);
}

test('1. a focused row link keeps the focus through live updates, and Enter opens the task', async ({ page, request }) => {
  const problems = await watchConsole(page);
  const n = LONG + 1;
  await page.goto('/');
  await expect(page.locator('#connection')).toHaveAttribute('data-state', 'live');
  await submitViaApi(request, n);
  const row = page.locator(`#task-${n}`);
  await expect(row).toHaveAttribute('data-status', 'running', { timeout: 20_000 });
  const link = row.locator('.c-n a');
  await link.focus();
  const version = Number(await row.getAttribute('data-version'));
  // Progress events change the row; the focused link must be the same element.
  await expect.poll(async () => Number(await row.getAttribute('data-version')), { timeout: 15_000 })
    .toBeGreaterThan(version);
  expect(await page.evaluate(() => document.activeElement.closest('tr') && document.activeElement.closest('tr').id))
    .toBe(`task-${n}`);
  // "took" ticks between events and the status says what is happening.
  await expect(row.locator('.activity')).toHaveText(/^(starting|computing: (series|division|square root)|converting to decimal|storing)$/);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/pi/${n}$`));
  await cancel(request, n);
  expect(problems, problems.join('\n')).toEqual([]);
});

test('2. the form sends what was typed; the server takes "1,000"-style numbers or says what to type', async ({ page }) => {
  await page.goto('/');
  const posted = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/tasks') && r.method() === 'POST') posted.push([r.headers()['content-type'], r.postData()]); });
  const cases = [[' 4,242 ', 4242], ['4 243', 4243], ['４２４４', 4244]];
  for (const [typed, n] of cases) {
    await page.fill('#n', typed);
    await page.click('#task-form button[type=submit]');
    await expect(page.locator(`#task-${n}`)).toBeVisible();
    await expect(page.locator('#form-error')).toHaveText('');
  }
  expect(posted[0][0]).toContain('application/x-www-form-urlencoded');
  expect(posted[0][1]).toBe('n=+4%2C242+');
  await page.fill('#n', '42,42');
  await page.click('#task-form button[type=submit]');
  await expect(page.locator('#form-error')).toHaveText(/^digits are grouped by threes \(1,000 or 1 000\); got "42,42"; type a whole number from 1 to [\d,]+, like 1000 or 1,000$/);
  await page.fill('#n', 'abc');
  await page.click('#task-form button[type=submit]');
  await expect(page.locator('#form-error')).toHaveText(/^"abc" is not a whole number; type a whole number/);
  await expect(page.locator('#form-error')).not.toContainText('JSON');
});

test('3. /pi/N opens at the marked digit, ?from=K at decimal K, and any computed n says its digit', async ({ page, request }) => {
  const n = 40000;
  await submitViaApi(request, n);
  await waitForDone(request, n);
  const txt = await (await request.get(`/pi/${n}.txt`)).text();
  await page.setViewportSize({ width: 1280, height: 700 });
  await page.goto(`/pi/${n}`);
  const mark = page.locator('#digits mark.nth:not(:empty)');
  await expect(mark).toHaveText(txt[txt.length - 1]);
  await expect(mark).toBeInViewport();
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);

  await page.goto(`/pi/${n}?from=36000`);
  const target = page.locator('#digits mark.target');
  await expect(target).toHaveText(txt[36000 + 1]);
  await expect(target).toBeInViewport();

  // An n without a task of its own, within what is stored.
  const m = 31234;
  expect((await request.get('/api/tasks/' + m)).status()).toBe(404);
  await page.goto(`/pi/${m}`);
  await expect(page.locator('.answer')).toContainText(`Decimal 31,234 of π is ${txt[m + 1]}`);
  await expect(page.locator('#digits mark.nth:not(:empty)')).toBeInViewport();
});

test('4. asking for an existing n shows its digit and link, and brings its row into view', async ({ page, request }) => {
  await submitViaApi(request, 2024);
  await waitForDone(request, 2024);
  const digit = (await (await request.get('/api/tasks/2024')).json()).digit;
  for (let i = 0; i < 30; i++) await submitViaApi(request, 5000 + i);  // push 2024 down the table
  await page.setViewportSize({ width: 1280, height: 600 });
  await page.goto('/');
  await page.fill('#n', '2024');
  await page.click('#task-form button[type=submit]');
  const status = page.locator('#form-status');
  await expect(status).toContainText(`n = 2,024 was asked for before: decimal 2,024 of π is ${digit}.`);
  await expect(status.locator('a')).toHaveAttribute('href', '/pi/2024');
  const row = page.locator('#task-2024');
  await expect(row).toHaveClass(/flash/);
  await expect(row).toBeInViewport();
  await screenshot(page, 'index-existing-n', { fullPage: false });
});

test('5. a running task older than the first page stays on it; older pages link to newer ones', async ({ page, request }) => {
  const n = LONG + 5;
  await submitViaApi(request, n);
  await expect.poll(async () => (await (await request.get('/api/tasks/' + n)).json()).status, { timeout: 20_000 }).toMatch(/queued|running/);
  for (const k of [7001, 7002, 7003]) await submitViaApi(request, k);
  await page.goto('/?limit=2');
  const active = page.locator(`#active-rows #task-${n}`);
  await expect(active).toBeVisible();
  await expect(page.locator('#active-title')).toHaveText(/Still queued or running/);
  await expect(page.locator(`#task-rows #task-${n}`)).toHaveCount(0);
  await screenshot(page, 'index-active-section', { fullPage: false });
  await page.locator('#load-more').click();
  await expect(page).toHaveURL(/before=\d+/);
  await expect(page.locator('#newer')).toHaveAttribute('href', '/?limit=2');
  await cancel(request, n);
});

test('6. status in words, ticking "took", steady columns, local times with UTC in the tooltip', async ({ browser, request }) => {
  const context = await browser.newContext({ baseURL: process.env.PI_BASE_URL, timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('#connection')).toHaveAttribute('data-state', 'live');
  const widths = () => page.locator('.task-table thead th').evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));
  const before = await widths();
  const n = LONG + 6;
  await submitViaApi(request, n);
  const row = page.locator(`#task-${n}`);
  await expect(row).toHaveAttribute('data-status', 'running', { timeout: 20_000 });
  await expect(row.locator('.bar')).toBeVisible();
  expect(await widths()).toEqual(before);
  const took = row.locator('.took');
  const first = await took.textContent();
  await expect.poll(() => took.textContent(), { timeout: 5000 }).not.toBe(first);
  await expect(row.locator('.activity')).not.toHaveText('taken');

  const time = row.locator('time');
  const title = await time.getAttribute('title');
  expect(title).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  const utcHour = Number(title.slice(11, 13));
  const shownHour = Number((await time.textContent()).slice(11, 13));
  expect(shownHour).toBe((utcHour + 9) % 24);  // Tokyo is UTC+9
  await expect(page.locator('th.c-created')).toHaveText('Created');
  await cancel(request, n);
  await context.close();
});

test('7. copy buttons, dark mode, phone width and focus outlines', async ({ browser, request }) => {
  await submitViaApi(request, 1000);
  await waitForDone(request, 1000);
  const digit = String((await (await request.get('/api/tasks/1000')).json()).digit);
  const context = await browser.newContext({ baseURL: process.env.PI_BASE_URL, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const problems = await watchConsole(page);
  await page.goto('/pi/1000');
  await page.locator('button.copy', { hasText: 'Copy digit' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(digit);
  await expect(page.locator('.copied')).toHaveText('Copied ' + digit);
  await page.locator('button.copy', { hasText: 'Copy link' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(process.env.PI_BASE_URL + '/pi/1000');

  // Focus outlines are visible for keyboard users.
  await page.goto('/');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  expect(outline).not.toBe('none');

  // Dark mode follows the system.
  await page.emulateMedia({ colorScheme: 'dark' });
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  expect(r + g + b).toBeLessThan(120);
  await screenshot(page, 'index-dark');
  await page.goto('/pi/1000');
  await screenshot(page, 'pi-dark', { fullPage: false });
  await page.emulateMedia({ colorScheme: 'light' });

  for (const path of ['/', '/pi/1000', '/pi/40000', '/?status=done']) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(path);
    await noHorizontalScroll(page);
  }
  await page.goto('/');
  await screenshot(page, 'index-phone', { fullPage: false });
  await page.locator('.tabs').evaluate((el) => el.scrollIntoView());
  await screenshot(page, 'index-phone-rows', { fullPage: false });
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'index-phone-dark', { fullPage: false });
  expect(problems, problems.join('\n')).toEqual([]);
  await context.close();
});
