// One template, two renderers: the rows the server renders (kainjow, C++) must
// be the rows app.js renders (mustache.js) from the same task JSON.
'use strict';

const { test, expect, screenshot, submitViaApi, waitForDone } = require('./fixtures');

test('server-rendered rows equal the browser\'s rendering of the same task JSON', async ({ page, request }) => {
  for (const n of [1, 5, 50]) await submitViaApi(request, n);
  for (const n of [1, 5, 50]) await waitForDone(request, n);

  await page.goto('/');
  const rows = await page.locator('#task-rows tr').count();
  expect(rows).toBeGreaterThanOrEqual(3);

  const result = await page.evaluate(async () => {
    const normalise = (html) => html.replace(/>\s+</g, '><').replace(/\s+/g, ' ').trim();
    const template = document.getElementById('row-template').textContent;
    const compared = [];
    for (const row of document.querySelectorAll('#task-rows tr')) {
      const n = row.dataset.n;
      const task = await (await fetch('/api/tasks/' + n, { headers: { Accept: 'application/json' } })).json();
      if (String(task.version) !== row.dataset.version) continue;  // changed since the page was rendered
      const holder = document.createElement('template');
      holder.innerHTML = Mustache.render(template, task).trim();
      const mine = holder.content.firstElementChild;
      compared.push({
        n,
        server: normalise(row.outerHTML),
        browser: normalise(mine.outerHTML),
      });
    }
    return compared;
  });
  expect(result.length).toBeGreaterThanOrEqual(3);
  for (const { n, server, browser } of result) {
    expect(browser, `row for n=${n}`).toBe(server);
  }
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
