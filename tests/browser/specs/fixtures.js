// Shared helpers: the stack's base URL (set by globalSetup), API calls, and
// screenshots kept under the test output dir.
'use strict';

const base = require('@playwright/test');
const fs = require('fs');
const path = require('path');

const test = base.test.extend({
  baseURL: async ({}, use) => { await use(process.env.PI_BASE_URL); },
});
const { expect } = base;

// POST /api/tasks {"n": n} through the API (not the page).
async function submitViaApi(request, n) {
  const response = await request.post('/api/tasks', {
    data: { n }, headers: { Accept: 'application/json' },
  });
  expect([200, 201], await response.text()).toContain(response.status());
  return response.json();
}

async function waitForDone(request, n, timeoutMs = 30_000) {
  await expect.poll(async () => {
    const response = await request.get('/api/tasks/' + n);
    return response.ok() ? (await response.json()).status : 'missing';
  }, { timeout: timeoutMs }).toBe('done');
}

// Saves a full-page screenshot as test-results/screens/NAME.png.
async function screenshot(page, name, options) {
  const dir = path.join(__dirname, '..', 'test-results', 'screens');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot(Object.assign({ path: path.join(dir, name + '.png'), fullPage: true }, options));
}

// Records every state #connection goes through, so that short states (a
// relay that comes back in half a second) are not missed by polling.
async function recordConnectionStates(page) {
  await page.evaluate(() => {
    const el = document.getElementById('connection');
    window.__connectionStates = [el.dataset.state];
    new MutationObserver(() => {
      window.__connectionStates.push(el.dataset.state + ': ' + el.textContent);
    }).observe(el, { attributes: true, childList: true, characterData: true, subtree: true });
  });
}

function relayPid() {
  const file = path.join(process.env.PI_DATA_DIR || '', 'run', 'pi-relay.pid');
  return Number(fs.readFileSync(file, 'utf8').trim());
}

module.exports = { test, expect, submitViaApi, waitForDone, screenshot, recordConnectionStates, relayPid };
