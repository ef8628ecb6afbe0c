// Bad input: the server's message appears in #form-error and no row is added.
'use strict';

const { test, expect } = require('./fixtures');

test('bad n shows the server\'s message and adds no row', async ({ page }) => {
  await page.goto('/');
  const max = Number(await page.locator('#n').getAttribute('data-max'));
  expect(max).toBeGreaterThan(0);
  const rows = page.locator('#task-rows tr');
  const before = await rows.count();

  for (const value of ['abc', '0', '-5', '1.5', String(max + 1)]) {
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/tasks') && r.request().method() === 'POST');
    await page.fill('#n', value);
    await page.click('#task-form button[type=submit]');
    const response = await answer;
    expect(response.status(), `status for n=${value}`).toBeGreaterThanOrEqual(400);
    const body = await response.json();
    expect(typeof body.error).toBe('string');
    expect(body.error.length).toBeGreaterThan(0);
    await expect(page.locator('#form-error'), `message for n=${value}`).toHaveText(body.error);
    await expect(page.locator('#n')).toHaveAttribute('aria-invalid', 'true');
    await expect(rows).toHaveCount(before);
  }
  await expect(page.locator('#task-rows tr#task-0')).toHaveCount(0);
  await expect(page.locator(`#task-rows tr#task-${max + 1}`)).toHaveCount(0);
});
