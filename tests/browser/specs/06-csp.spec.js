// Every page carries a Content-Security-Policy without 'unsafe-inline', and
// works under it: no violation reports, no console errors, the live table and
// the form still work.
'use strict';

const { execFileSync } = require('child_process');
const { test, expect, submitViaApi, waitForDone } = require('./fixtures');

function redis(...args) {
  return execFileSync('redis-cli', ['-p', process.env.PI_REDIS_PORT, ...args], { encoding: 'utf8' }).trim();
}

// Records CSP violations and console errors from the first script on.
async function watch(page) {
  const problems = [];
  page.on('console', (message) => {
    // The error pages are visited on purpose: their status is not a problem.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push('console: ' + message.text());
    }
  });
  page.on('pageerror', (error) => problems.push('page error: ' + error.message));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return problems;
}

test('pages carry a CSP without unsafe-inline and work under it', async ({ page, request }) => {
  await submitViaApi(request, 60);
  await waitForDone(request, 60);
  const problems = await watch(page);

  for (const [path, statuses] of [['/', [200]], ['/pi/60', [200]], ['/pi/99999999', [404]],
    ['/pi/abc', [400]], ['/nope', [404]]]) {
    const response = await page.goto(path);
    expect(statuses, path).toContain(response.status());
    const csp = response.headers()['content-security-policy'];
    expect(csp, `CSP on ${path}`).toBeTruthy();
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  }

  // The index under the policy: the WebSocket connects and the form posts.
  await page.goto('/');
  await expect(page.locator('#connection')).toHaveAttribute('data-state', 'live');
  await page.fill('#n', '61');
  await page.click('#task-form button[type=submit]');
  await expect(page.locator('tr#task-61')).toBeVisible();
  await expect(page.locator('tr#task-61')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  expect(problems, problems.join('\n')).toEqual([]);
});

test('a progress bar shows its width without inline style', async ({ page }) => {
  test.skip(!process.env.PI_REDIS_PORT, 'needs the Redis of the stack under test');
  const problems = await watch(page);
  // A running task straight into Redis (in no queue: no worker touches it).
  const n = 90000099;
  const id = redis('INCR', 'pi:next-id');
  redis('HSET', `pi:task:${n}`, 'n', String(n), 'id', id, 'version', '3', 'stage', 'taken',
    'progress', '0.5', 'created_at', '1764130546123', 'updated_at', '1764130546123');
  redis('ZADD', 'pi:tasks', id, String(n));
  try {
    for (const path of ['/', `/pi/${n}`]) {
      await page.goto(path);
      const bar = page.locator(path === '/' ? `tr#task-${n} progress.bar` : '#pending progress.bar');
      await expect(bar).toBeVisible();
      expect(await bar.evaluate((b) => b.value)).toBe(50);
      const width = await bar.evaluate((b) => b.getBoundingClientRect().width);
      expect(width, path).toBeGreaterThan(20);
    }
  } finally {
    redis('DEL', `pi:task:${n}`);
    redis('ZREM', 'pi:tasks', String(n));
  }
  expect(problems, problems.join('\n')).toEqual([]);
});
