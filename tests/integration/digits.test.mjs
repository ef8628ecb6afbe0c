// Digits as data on the real stack (issue 8): GET /api/digits, /api/search
// and /find through nginx, over real pi computed by the workers and stored in
// small chunks (PI_DIGITS_CHUNK_BYTES), so that ranges and the search index
// cross chunk boundaries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Stack, vectors } from './stack.mjs';

const CHUNK = 4096;  // bytes: decimal k is at byte k + 1, so decimal 4095 ends chunk 0
const FIRST = 20_000;
const MORE = 30_000;
let stack;

before(async () => {
  stack = await Stack.start({ PI_DIGITS_CHUNK_BYTES: String(CHUNK) });
});
after(async () => { await stack?.stop(); });

async function getJson(path) {
  const res = await fetch(`${stack.url}${path}`);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

// "3." + n decimals as stored, checked against the known digits.
async function storedPi(n) {
  const text = await (await fetch(`${stack.url}/pi/${n}.txt`)).text();
  assert.equal(text.length, n + 2);
  const { decimals, sha256 } = vectors();
  const hash = crypto.createHash('sha256').update(text.slice(0, 10_002)).digest('hex');
  assert.equal(hash, sha256.get(10_000), 'the stored digits are pi');
  for (const v of decimals.filter((d) => d.to <= n)) assert.equal(text.slice(v.from + 1, v.to + 2), v.digits);
  return text.slice(2);
}

function naive(decimals, q) {
  const at = decimals.indexOf(q);
  return at < 0 ? null : at + 1;
}

test('with nothing stored: search has searched nothing, a range is 404', async () => {
  const search = await getJson('/api/search?q=14159');
  assert.equal(search.status, 200);
  assert.deepEqual(search.body, { q: '14159', position: null, searched: 0 });
  const range = await getJson('/api/digits?start=1&count=10');
  assert.equal(range.status, 404);
  assert.match(range.body.error, /largest stored position is 0/);
  assert.match(range.body.error, /POST \/api\/tasks \{"n": 10\}/);
});

test('ranges of stored decimals, across chunk boundaries', async () => {
  assert.equal((await stack.submit(FIRST)).status, 201);
  await stack.waitDone(FIRST);
  assert.ok(Number(stack.redisRaw('STRLEN', 'pi:digits:4')) > 0, 'the digits span several chunks');
  const pi = await storedPi(FIRST);
  for (const [start, count] of [[1, 50], [4090, 20], [4095, 1], [4096, 1], [8180, 30], [1, 10_000],
    [10_001, 10_000], [FIRST, 1]]) {
    const { status, headers, body } = await getJson(`/api/digits?start=${start}&count=${count}`);
    assert.equal(status, 200, `${start}+${count}: ${JSON.stringify(body)}`);
    assert.deepEqual(body, { start, count, digits: pi.slice(start - 1, start - 1 + count) });
    assert.match(headers.get('cache-control'), /immutable/);
  }
  assert.equal((await getJson('/api/digits?start=762&count=6')).body.digits, '999999');
});

test('a range beyond the stored decimals is 404 naming the largest position and the way to more', async () => {
  const { status, body } = await getJson(`/api/digits?start=${FIRST - 5}&count=10`);
  assert.equal(status, 404);
  assert.match(body.error, new RegExp(`largest stored position is ${FIRST}`));
  assert.match(body.error, new RegExp(`POST /api/tasks \\{"n": ${FIRST + 4}\\}`));
});

test('bad parameters are 400 with a message', async () => {
  for (const query of ['', 'start=1', 'count=3', 'start=0&count=3', 'start=1&count=0',
    'start=1&count=10001', 'start=a&count=3', 'start=1&count=3&start=2', 'start=1&count=3&x=1']) {
    const { status, body } = await getJson(`/api/digits?${query}`);
    assert.equal(status, 400, query);
    assert.equal(typeof body.error, 'string', query);
  }
  for (const query of ['', 'q=', 'q=12x', 'q=3.14', `q=${'1'.repeat(21)}`, 'q=1&q=2', 'q=1&start=1']) {
    const { status, body } = await getJson(`/api/search?${query}`);
    assert.equal(status, 400, query);
    assert.equal(typeof body.error, 'string', query);
  }
  const post = await fetch(`${stack.url}/api/search?q=1`, { method: 'POST' });
  assert.equal(post.status, 405);
});

test('search positions agree with a naive search of the stored decimals', async () => {
  const pi = await storedPi(FIRST);
  const queries = ['1', '0', '999999', '14159265358979323846', '31415', '2718281828'];
  let seed = 8;
  const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let i = 0; i < 60; i++) {
    const len = 1 + random(20);
    queries.push(pi.substr(random(FIRST - len), len));
    queries.push(Array.from({ length: len }, () => random(10)).join(''));
  }
  let found = 0;
  for (const q of queries) {
    const { status, body } = await getJson(`/api/search?q=${q}`);
    assert.equal(status, 200);
    assert.deepEqual(body, { q, position: naive(pi, q), searched: FIRST }, q);
    if (body.position !== null) found++;
  }
  assert.ok(found > 60 && found < queries.length, 'both answers are checked');
});

test('a longer stored pi is searched as soon as it is stored', async () => {
  const pi20 = await storedPi(FIRST);
  assert.equal((await stack.submit(MORE)).status, 201);
  await stack.waitDone(MORE);
  const pi = await storedPi(MORE);
  // A string first occurring beyond the old end: null before, found now.
  let q = null;
  for (let at = FIRST + 100; q === null; at += 7) {
    const s = pi.substr(at, 7);
    if (naive(pi20, s) === null) q = s;
  }
  const { body } = await getJson(`/api/search?q=${q}`);
  assert.deepEqual(body, { q, position: naive(pi, q), searched: MORE });
});

test('/find redirects to the pi page showing the match, or explains', async () => {
  const res = await fetch(`${stack.url}/find?q=999999`, { redirect: 'manual' });
  assert.equal(res.status, 303);
  const location = res.headers.get('location');
  assert.equal(location, `/pi/${MORE}?from=762`);
  const page = await (await fetch(`${stack.url}${location}`)).text();
  assert.match(page, /Showing decimals 762/);
  assert.match(page.replace(/<[^>]*>/g, ''), /999999/);

  const absent = await fetch(`${stack.url}/find?q=99999999999`);
  assert.equal(absent.status, 404);
  assert.match(absent.headers.get('content-type'), /text\/html/);
  assert.match(await absent.text(), /do not occur in the first 30,000 decimals/);

  const bad = await fetch(`${stack.url}/find?q=pi`);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /q must be 1 to 20 decimal digits/);
});
