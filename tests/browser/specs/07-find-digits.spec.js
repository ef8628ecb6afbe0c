// The "Find digits in π" box of the main page (issue 8): with JavaScript the
// answer appears in place (search.js, under the page's CSP); without it the
// plain GET form goes to /find, which redirects to the π page showing the
// match. Screenshots for people to look at, wide and at 390 px.
'use strict';

const { test, expect, screenshot, submitViaApi, waitForDone } = require('./fixtures');

const N = 20000;  // stored decimals this spec needs at least (762-767 are 999999)

test.beforeAll(async ({ request }) => {
  await submitViaApi(request, N);
  await waitForDone(request, N);
});

test('with JavaScript the box shows the position, the digits around it and a link to them',
  async ({ page }) => {
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto('/');
    const box = page.locator('section.find-digits');
    // Right after the submit form's section.
    await expect(page.locator('section.compose + section.find-digits')).toHaveCount(1);
    await box.getByLabel('Digits to look for').fill('999999');
    await box.getByRole('button', { name: 'Find' }).click();
    const result = page.locator('#find-result');
    await expect(result).toContainText('999999 first occurs at decimal 762 of π');
    await expect(result.locator('.find-context mark')).toHaveText('999999');
    await expect(result.locator('.find-context')).toHaveText('…18707211349999998372978049…');
    expect(page.url()).toMatch(/\/$/);  // answered in place, no navigation
    await screenshot(page, 'find-found');

    await box.getByLabel('Digits to look for').fill('99999999999999999999');
    await box.getByRole('button', { name: 'Find' }).click();
    await expect(result).toContainText('99999999999999999999 does not occur in the first');
    await box.getByLabel('Digits to look for').fill('3.14x');
    await box.getByRole('button', { name: 'Find' }).click();
    await expect(result).toContainText('Type 1 to 20 digits');
    await expect(box.getByLabel('Digits to look for')).toHaveAttribute('aria-invalid', 'true');

    await box.getByLabel('Digits to look for').fill('58209749');
    await box.getByRole('button', { name: 'Find' }).click();
    await expect(result).toContainText('58209749 first occurs at decimal 51 of π');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'find-found-mobile');
    // The longest query and its context (40 digits) wrap at 390 px too.
    await box.getByLabel('Digits to look for').fill('64338327950288419716');
    await box.getByRole('button', { name: 'Find' }).click();
    await expect(result).toContainText('64338327950288419716 first occurs at decimal 22 of π');
    await expect(result.locator('.find-context')).toContainText('…');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'find-long-mobile');
    await box.getByLabel('Digits to look for').fill('58209749');
    await box.getByRole('button', { name: 'Find' }).click();
    await expect(result).toContainText('58209749 first occurs at decimal 51 of π');

    await result.getByRole('link', { name: 'Show it in π' }).click();
    await expect(page).toHaveURL(/\/pi\/\d+\?from=51$/);
    await expect(page.locator('.pi-meta')).toContainText('Showing decimals 51–');
    expect(problems).toEqual([]);
  });

test('without JavaScript the form goes to /find and on to the π page', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('Digits to look for').fill('999999');
  await page.getByLabel('Digits to look for').press('Enter');
  await expect(page).toHaveURL(/\/pi\/\d+\?from=762$/);
  await expect(page.locator('.pi-meta')).toContainText('Showing decimals 762–');
  await expect(page.locator('#digits .line').first()).toContainText('999999');
  await screenshot(page, 'find-nojs-result');

  let response = await page.goto('/find?q=99999999999999999999');
  expect(response.status()).toBe(404);
  await expect(page.locator('.error-message')).toContainText('do not occur in the first');
  response = await page.goto('/find?q=pi');
  expect(response.status()).toBe(400);
  await expect(page.locator('.error-message')).toContainText('q must be 1 to 20 decimal digits');
  await screenshot(page, 'find-nojs-bad');
  await context.close();
});
