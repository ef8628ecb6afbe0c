// A stand-in for the stack while developing the pages: renders the real
// templates with Debian's mustache.js and sample tasks, serves frontend/static
// like nginx does, and answers GET /api/tasks from the same samples.
// It checks layout and the browser code, not the C++ renderer.
//
//   node preview/server.js [port]    then open http://127.0.0.1:PORT/
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const Mustache = require('/usr/share/javascript/mustache/mustache.js');
const { sampleTasks, piView, piDecimals } = require('./samples');

const ROOT = path.resolve(__dirname, '../../..');
const TEMPLATES = path.join(ROOT, 'frontend/templates');
const STATIC = path.join(ROOT, 'frontend/static');
const VENDOR = '/usr/share/javascript/mustache/mustache.min.js';
const TYPES = { '.js': 'application/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

function template(name) {
  return fs.readFileSync(path.join(TEMPLATES, name + '.mustache'), 'utf8');
}

function indexView(tasks) {
  const row = template('row');
  return {
    tasks, seq: '42', max_digits: '100000000', max_digits_text: '100,000,000',
    row_template: row, has_more: true, next_before: String(tasks[tasks.length - 1].id),
  };
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  const tasks = sampleTasks();
  if (url.pathname === '/') {
    const html = Mustache.render(template('index'), indexView(tasks), { row: template('row') });
    return send(res, 200, 'text/html; charset=utf-8', html);
  }
  if (url.pathname === '/api/tasks') {
    return send(res, 200, 'application/json', JSON.stringify({ tasks, seq: 42, next_before: null }));
  }
  let m = url.pathname.match(/^\/pi\/(\d+)\.txt$/);
  if (m) return send(res, 200, 'text/plain', '3.' + piDecimals(Number(m[1])));
  m = url.pathname.match(/^\/pi\/(\d+)$/);
  if (m) {
    const n = Number(m[1]);
    const task = tasks.find((t) => t.n === n) || false;
    const view = piView(n, url.searchParams.get('from'), task);
    return send(res, 200, 'text/html; charset=utf-8', Mustache.render(template('pi'), view));
  }
  if (url.pathname === '/error') {
    const view = { status: '404', title: 'Not found', message: 'There is no page at this address.', n: '' };
    return send(res, 404, 'text/html; charset=utf-8', Mustache.render(template('error'), view));
  }
  if (url.pathname === '/static/vendor/mustache.min.js') {
    return send(res, 200, TYPES['.js'], fs.readFileSync(VENDOR));
  }
  if (url.pathname.startsWith('/static/')) {
    const file = path.join(STATIC, path.normalize(url.pathname.slice('/static/'.length)));
    if (file.startsWith(STATIC) && fs.existsSync(file)) {
      return send(res, 200, TYPES[path.extname(file)] || 'application/octet-stream', fs.readFileSync(file));
    }
  }
  return send(res, 404, 'text/plain', 'not found');
}

function start(port) {
  return new Promise((resolve) => {
    const server = http.createServer(handle);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

module.exports = { start };

if (require.main === module) {
  start(Number(process.argv[2] || 8700)).then((s) => {
    console.log('preview at http://127.0.0.1:' + s.address().port + '/');
  });
}
