// One template, two renderers: the rows the server renders (kainjow, C++,
// from row_view in fcgi-app/views.cc) must be the rows rows.js renders
// (mustache.js, from rowView) from the same task JSON.
'use strict';

const { execFileSync } = require('child_process');
const { test, expect, screenshot, submitViaApi, waitForDone } = require('./fixtures');

function redis(...args) {
  return execFileSync('redis-cli', ['-p', process.env.PI_REDIS_PORT, ...args], { encoding: 'utf8' }).trim();
}

// Tasks written straight into Redis, one per display rule: every status, a
// progress that is not a round number, an error with markup, durations on
// each side of each unit and on a rounding tie, the digit 0, a cached answer.
// They are in the list but in no queue, so no worker touches them.
const T0 = 1764130546123;
const SYNTHETIC = [
  { n: 90000001, stage: 'scheduled' },
  { n: 90000002, stage: 'taken', progress: '0.29', taken_at: T0, updated_at: T0 + 999 },
  { n: 90000003, stage: 'calculated', progress: '0.4299', taken_at: T0, updated_at: T0 + 1125 },
  { n: 90000004, stage: 'error', error: 'out of <b>memory</b> & "more"', taken_at: T0, error_at: T0 + 59995 },
  { n: 90000005, stage: 'stored', digit: '0', taken_at: T0, stored_at: T0 + 60000, source: 'computed' },
  { n: 90000006, stage: 'stored', digit: '7', taken_at: T0, stored_at: T0 + 3 * 3600000 + 125000, source: 'computed' },
  { n: 90000007, stage: 'stored', digit: '3', taken_at: T0, stored_at: T0, source: 'cached' },
];

function writeSynthetic() {
  for (const t of SYNTHETIC) {
    const id = redis('INCR', 'pi:next-id');
    const fields = { n: t.n, id, version: 7, attempts: 1, created_at: T0, updated_at: T0, registered_at: T0, ...t };
    delete fields.n;
    redis('HSET', `pi:task:${t.n}`, 'n', String(t.n), ...Object.entries(fields).flatMap(([k, v]) => [k, String(v)]));
    redis('ZADD', 'pi:tasks', id, String(t.n));
  }
}

function removeSynthetic() {
  for (const t of SYNTHETIC) {
    redis('DEL', `pi:task:${t.n}`);
    redis('ZREM', 'pi:tasks', String(t.n));
  }
}

test('server-rendered rows equal the browser\'s rendering of the same task JSON', async ({ page, request }) => {
  test.skip(!process.env.PI_REDIS_PORT, 'needs the Redis of the stack under test');
  for (const n of [1, 5, 50]) await submitViaApi(request, n);
  for (const n of [1, 5, 50]) await waitForDone(request, n);
  writeSynthetic();
  try {
    await page.goto('/');
    const result = await page.evaluate(async () => {
      const normalise = (html) => html.replace(/>\s+</g, '><').replace(/\s+/g, ' ').trim();
      const compared = [];
      for (const row of document.querySelectorAll('#task-rows tr')) {
        const n = row.dataset.n;
        const task = await (await fetch('/api/tasks/' + n, { headers: { Accept: 'application/json' } })).json();
        if (String(task.version) !== row.dataset.version) continue;  // changed since the page was rendered
        const holder = document.createElement('template');
        holder.innerHTML = window.pidigits.rowHtml(task).trim();
        compared.push({ n, server: normalise(row.outerHTML), browser: normalise(holder.content.firstElementChild.outerHTML) });
      }
      return compared;
    });
    const compared = new Set(result.map((r) => Number(r.n)));
    for (const t of SYNTHETIC) expect(compared.has(t.n), `row ${t.n} compared`).toBe(true);
    expect(result.length).toBeGreaterThanOrEqual(SYNTHETIC.length + 3);
    for (const { n, server, browser } of result) {
      expect(browser, `row for n=${n}`).toBe(server);
    }
    // The rules themselves, as a person reads them.
    const text = async (n, cell) => (await page.locator(`tr#task-${n} td.${cell}`).textContent()).trim();
    expect(await text(90000002, 'c-status')).toContain('28%');  // floor(0.29 * 100) in doubles
    expect(await text(90000003, 'c-status')).toContain('42%');
    expect(await text(90000003, 'c-took')).toBe('1.13 s');  // 1125 ms: half up
    expect(await text(90000002, 'c-took')).toBe('999 ms');
    expect(await text(90000004, 'c-took')).toBe('60.00 s');
    expect(await text(90000004, 'c-status')).toContain('out of <b>memory</b> & "more"');
    expect(await text(90000005, 'c-took')).toBe('1 min 00 s');
    expect(await text(90000005, 'c-digit')).toBe('0');
    expect(await text(90000006, 'c-took')).toBe('3 h 02 min');
    expect(await text(90000007, 'c-took')).toBe('cached');
    expect(await text(90000001, 'c-n')).toBe('90,000,001');
    expect(await text(90000001, 'c-created')).toBe('2025-11-26 04:15:46');
    await screenshot(page, 'row-rules');
  } finally {
    removeSynthetic();
  }
});

// An event is data from Redis: whatever it says, a row links to /pi/N and
// a task without a valid n makes no row.
test('a row links to /pi/N whatever url an event carries', async ({ page }) => {
  test.skip(!process.env.PI_REDIS_PORT, 'needs the Redis of the stack under test');
  await page.goto('/');
  await expect(page.locator('#connection')).toHaveAttribute('data-state', 'live');
  const task = (n, extra) => JSON.stringify({
    type: 'task',
    task: { n, id: 999999, version: 1, status: 'done', stage: 'stored', digit: 5, error: null, progress: 1,
      created_at: '2026-01-01T00:00:00.000Z', took_ms: 5, url: 'javascript:alert(1)', ...extra },
  });
  redis('PUBLISH', 'pi:events', task(424242));
  redis('PUBLISH', 'pi:events', task('<img src=x onerror=alert(1)>'));
  redis('PUBLISH', 'pi:events', task(-3));
  const row = page.locator('tr#task-424242');
  await expect(row).toBeVisible();
  for (const link of await row.locator('a').all()) {
    expect(await link.getAttribute('href')).toBe('/pi/424242');
  }
  await expect(page.locator('#task-rows tr[data-n="-3"]')).toHaveCount(0);
  await expect(page.locator('#task-rows img')).toHaveCount(0);
});

test('the page works without JavaScript: the form posts and the row is on the page after the redirect', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: process.env.PI_BASE_URL });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('#connection')).toBeHidden();
  await page.fill('#n', '314');
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.click('#task-form button[type=submit]')]);
  await expect(page.locator('tr#task-314')).toBeVisible();

  // A bad n answers with the error page, in words.
  await page.fill('#n', 'abc');
  await page.click('#task-form button[type=submit]');
  await expect(page.locator('.error-code')).toHaveText('400');
  await expect(page.locator('.error-message')).not.toBeEmpty();
  await screenshot(page, 'nojs-error');

  // /pi/N beyond anything computed so far offers to compute it (not clicked:
  // a computation that long would slow the other tests down).
  const missing = await page.goto('/pi/99999999');
  expect(missing.status()).toBe(404);
  await expect(page.locator('form.compute input[name=n]')).toHaveValue('99999999');
  await expect(page.locator('form.compute button')).toBeVisible();
  await screenshot(page, 'pi-not-computed');
  await context.close();
});
