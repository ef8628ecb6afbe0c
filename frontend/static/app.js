// pidigits in the browser: live task table (index page) and live status on
// the pi page. No framework: the server renders every page with the same
// Mustache templates; this file only keeps them current.
//
// Index page: the form posts with fetch; a WebSocket (/ws) delivers
// {"type":"task","seq":S,"task":{...}} events, rendered with the row template
// the page embeds (script#row-template), so live rows and server rows come
// from one template. Events carry the task's data only; rowView() below makes
// the strings a row shows, by the same rules as the server's row_view(). Events carry a sequence number; a gap, a "resync"
// message or a (re)connect makes the page reload the rows from the API.
(function () {
  'use strict';

  var RECONNECT_MIN_MS = 500;
  var RECONNECT_MAX_MS = 10000;
  var STABLE_MS = 5000;  // a connection open this long resets the backoff
  var RESYNC_LIMIT_DEFAULT = 50;
  var RESYNC_LIMIT_MAX = 500;  // the API's upper bound for ?limit=

  // ---------------------------------------------------------------------
  // Small helpers

  function $(selector, root) { return (root || document).querySelector(selector); }

  function parseHtml(html) {
    var template = document.createElement('template');
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // fetch + JSON. Resolves to {status, body}; body is null when the answer
  // is not JSON (a proxy's error page, for example).
  function fetchJson(url, options) {
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        return { status: response.status, body: body };
      });
    });
  }

  function errorText(result) {
    if (result.body && typeof result.body.error === 'string' && result.body.error) {
      return result.body.error;
    }
    return 'The server could not take the request (HTTP ' + result.status + '). Please try again.';
  }

  // ---------------------------------------------------------------------
  // The row view: what row.mustache shows, made from the task JSON by the
  // rules of docs/CONTRACTS.md ("Row view"). fcgi-app/views.cc (row_view)
  // makes the server's rows by the same rules; tests/browser renders rows both
  // ways and compares them, so change both together. Integer arithmetic only,
  // so that C++ and JavaScript round alike. null for a task without a valid n
  // (such a row is not shown): the link of a row is always /pi/N.

  function pad2(value) { return (value < 10 ? '0' : '') + value; }

  // 1234567 -> "1,234,567"
  function countText(value) { return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }

  // "850 ms", "1.23 s" (hundredths, half up), "2 min 03 s", "1 h 02 min"
  function durationText(ms) {
    if (ms < 0) ms = 0;
    if (ms < 1000) return ms + ' ms';
    if (ms < 60000) {
      var hundredths = Math.floor((ms + 5) / 10);
      return Math.floor(hundredths / 100) + '.' + pad2(hundredths % 100) + ' s';
    }
    if (ms < 3600000) return Math.floor(ms / 60000) + ' min ' + pad2(Math.floor(ms / 1000) % 60) + ' s';
    return Math.floor(ms / 3600000) + ' h ' + pad2(Math.floor(ms / 60000) % 60) + ' min';
  }

  function rowView(task) {
    var n = Number(task && task.n);
    if (!Number.isSafeInteger(n) || n < 1) return null;
    var status = typeof task.status === 'string' ? task.status : '';
    var created = typeof task.created_at === 'string' ? task.created_at : '';
    // "2026-11-26T04:15:46.123Z" -> "2026-11-26 04:15:46"
    if (created.length >= 19) created = created.slice(0, 10) + ' ' + created.slice(11, 19);
    var pct = typeof task.progress === 'number' ? Math.floor(task.progress * 100) : 0;
    return {
      n: n,
      id: task.id,
      version: task.version,
      status: status,
      stage: task.stage,
      error: task.error,
      created_at: task.created_at,
      url: '/pi/' + n,
      n_text: countText(n),
      queued: status === 'queued',
      running: status === 'running',
      done: status === 'done',
      failed: status === 'error',
      cached: task.source === 'cached',
      digit_text: Number.isInteger(task.digit) ? String(task.digit) : '',
      progress_pct: Math.min(100, Math.max(0, pct)),
      created: created,
      took: Number.isInteger(task.took_ms) ? durationText(task.took_ms) : ''
    };
  }

  // ---------------------------------------------------------------------
  // Live connection with reconnect and backoff. handlers: onOpen(), onMessage(obj),
  // onState(state, secondsUntilRetry). state: "connecting" | "live" | "lost".

  function connectLive(handlers) {
    var attempt = 0;
    var countdown = null;
    var openedAt = 0;

    function url() {
      var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
      return scheme + location.host + '/ws';
    }

    // 0.5 s doubling to 10 s; each delay jittered to 50..100% so that many
    // pages dropped by one relay restart do not come back in lock-step.
    function nextDelay() {
      var base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * Math.pow(2, attempt));
      attempt += 1;
      return Math.round(base * (0.5 + Math.random() * 0.5));
    }

    function scheduleReconnect() {
      var due = Date.now() + nextDelay();
      function tick() {
        var left = due - Date.now();
        if (left <= 0) {
          clearInterval(countdown);
          countdown = null;
          open();
          return;
        }
        handlers.onState('lost', Math.ceil(left / 1000));
      }
      clearInterval(countdown);
      countdown = setInterval(tick, 250);
      tick();
    }

    function open() {
      var socket;
      handlers.onState(attempt === 0 ? 'connecting' : 'reconnecting', 0);
      try {
        socket = new WebSocket(url());
      } catch (e) {
        scheduleReconnect();
        return;
      }
      socket.onopen = function () {
        openedAt = Date.now();
        handlers.onState('live', 0);
        handlers.onOpen();
      };
      socket.onmessage = function (event) {
        var message;
        try { message = JSON.parse(event.data); } catch (e) { return; }
        if (message && typeof message === 'object') handlers.onMessage(message);
      };
      socket.onclose = function () {
        socket.onclose = socket.onerror = socket.onmessage = null;
        // Only a connection that stayed up a while resets the backoff: a relay
        // that accepts and drops at once must not be hammered.
        if (openedAt && Date.now() - openedAt > STABLE_MS) attempt = 0;
        openedAt = 0;
        scheduleReconnect();
      };
      // An error is always followed by close; the reconnect happens there.
      socket.onerror = function () {};
    }

    open();
  }

  function showConnection(el, state, seconds) {
    if (!el) return;
    el.hidden = false;
    el.dataset.state = state;
    if (state === 'live') {
      el.textContent = 'live';
    } else if (state === 'lost') {
      el.textContent = 'connection lost — reconnecting in ' + seconds + ' s…';
    } else if (state === 'reconnecting') {
      el.textContent = 'reconnecting…';
    } else {
      el.textContent = 'connecting…';
    }
  }

  // ---------------------------------------------------------------------
  // Index page: the task table.

  function TaskTable(tbody, rowTemplate) {
    this.tbody = tbody;
    this.rowTemplate = rowTemplate;
    // A page of older tasks (/?before=ID) takes updates to its rows but never
    // new tasks: those belong on the first page.
    this.before = new URLSearchParams(location.search).get('before');
    Mustache.parse(rowTemplate);
  }

  // The row's HTML, or null for a task rowView refuses.
  TaskTable.prototype.html = function (task) {
    var view = rowView(task);
    return view ? Mustache.render(this.rowTemplate, view) : null;
  };

  // Puts the task's row in place: replaces the row of the same n or inserts
  // it newest first by id. A row that already shows this version of the task
  // or a newer one stays: events and API answers can arrive out of order.
  TaskTable.prototype.upsert = function (task) {
    var view = rowView(task);
    if (!view) return null;
    var current = document.getElementById('task-' + view.n);
    if (current && Number(current.dataset.version) >= task.version) return current;
    var row = parseHtml(Mustache.render(this.rowTemplate, view));
    if (current) {
      current.replaceWith(row);
      return row;
    }
    if (this.before !== null) return null;
    var next = this.firstRowOlderThan(task.id);
    this.tbody.insertBefore(row, next);
    var empty = document.getElementById('empty-note');
    if (empty) empty.remove();
    return row;
  };

  TaskTable.prototype.firstRowOlderThan = function (id) {
    var rows = this.tbody.children;
    for (var i = 0; i < rows.length; i++) {
      if (Number(rows[i].dataset.id) < id) return rows[i];
    }
    return null;
  };

  TaskTable.prototype.replaceAll = function (tasks) {
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < tasks.length; i++) {
      var html = this.html(tasks[i]);
      if (html !== null) fragment.appendChild(parseHtml(html));
    }
    this.tbody.replaceChildren(fragment);
    var empty = document.getElementById('empty-note');
    if (empty && tasks.length) empty.remove();
  };

  TaskTable.prototype.resyncUrl = function () {
    var limit = Math.min(RESYNC_LIMIT_MAX,
                         Math.max(RESYNC_LIMIT_DEFAULT, this.tbody.children.length));
    var url = '/api/tasks?limit=' + limit;
    if (this.before !== null) url += '&before=' + encodeURIComponent(this.before);
    return url;
  };

  function flash(row) {
    if (!row) return;
    row.classList.remove('flash');
    void row.offsetWidth;  // restart the animation
    row.classList.add('flash');
  }

  // The event stream: applies events in seq order and resyncs on a gap.
  function EventFeed(table, initialSeq, onResynced) {
    this.table = table;
    this.lastSeq = initialSeq;
    this.resyncing = false;
    this.again = false;      // another resync was asked for while one ran
    this.buffer = [];        // events that arrived during a resync
    this.onResynced = onResynced;
  }

  EventFeed.prototype.handle = function (message) {
    if (message.type === 'resync') {
      this.resync();
    } else if (message.type === 'task' && message.task) {
      if (this.resyncing) {
        this.buffer.push(message);
      } else {
        this.apply(message);
      }
    }
  };

  EventFeed.prototype.apply = function (message) {
    if (typeof message.seq !== 'number') {
      this.table.upsert(message.task);
      return;
    }
    if (message.seq <= this.lastSeq) return;  // already in what we show
    if (message.seq !== this.lastSeq + 1) {
      this.resync();  // missed at least one event
      return;
    }
    this.lastSeq = message.seq;
    this.table.upsert(message.task);
  };

  EventFeed.prototype.resync = function () {
    var self = this;
    if (this.resyncing) {
      this.again = true;
      return;
    }
    this.resyncing = true;
    this.again = false;
    fetchJson(this.table.resyncUrl(), { headers: { Accept: 'application/json' } })
      .then(function (result) {
        if (result.status !== 200 || !result.body || !Array.isArray(result.body.tasks)) {
          throw new Error(errorText(result));
        }
        self.table.replaceAll(result.body.tasks);
        if (typeof result.body.seq === 'number') self.lastSeq = result.body.seq;
        self.onResynced(result.body);
      })
      .catch(function () {
        // Keep the rows we have; the next event or reconnect tries again.
      })
      .then(function () {
        var pending = self.buffer;
        self.buffer = [];
        self.resyncing = false;
        if (self.again) {
          self.resync();
          return;
        }
        for (var i = 0; i < pending.length && !self.resyncing; i++) self.apply(pending[i]);
      });
  };

  // Sends what the person typed as JSON. Digits go as a JSON number literal
  // (written out, so no float rounding for huge values); anything else goes as
  // a string, so that the server, not this page, says what is wrong with it.
  function requestBody(text) {
    var trimmed = text.trim();
    if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
      var negative = trimmed.charAt(0) === '-';
      var digits = (negative ? trimmed.slice(1) : trimmed).replace(/^0+(?=\d)/, '');
      return '{"n": ' + (negative ? '-' : '') + digits + '}';
    }
    return JSON.stringify({ n: trimmed });
  }

  // A hint while typing; the server's answer on submit is what counts.
  function inputHint(text, max) {
    var trimmed = text.trim();
    if (trimmed === '') return '';
    if (!/^\d+$/.test(trimmed)) return 'n is a whole number of decimal places, like 1000.';
    if (/^0+$/.test(trimmed)) return 'n starts at 1 (the first digit after the point).';
    if (max && trimmed.replace(/^0+/, '').length >= String(max).length &&
        Number(trimmed) > max) {
      return 'The largest n this server computes is ' + max.toLocaleString('en-US') + '.';
    }
    return '';
  }

  function setupForm(form, table) {
    var input = $('#n', form);
    var error = $('#form-error');
    var status = $('#form-status');
    var button = $('button[type="submit"]', form);
    var help = $('#n-help');
    var helpText = help ? help.textContent : '';
    var max = Number(input.dataset.max) || 0;

    input.addEventListener('input', function () {
      var hint = inputHint(input.value, max);
      if (help) {
        help.textContent = hint || helpText;
        help.classList.toggle('help--hint', !!hint);
      }
    });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      error.textContent = '';
      status.textContent = '';
      button.disabled = true;
      form.setAttribute('aria-busy', 'true');
      fetchJson('/api/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: requestBody(input.value)
      }).then(function (result) {
        if ((result.status === 201 || result.status === 200) && result.body && result.body.n) {
          var row = table.upsert(result.body);
          flash(row);
          status.textContent = result.status === 201
            ? 'Task for n = ' + result.body.n + ' added.'
            : 'n = ' + result.body.n + ' was asked for before; here is that task.';
          input.value = '';
          if (help) { help.textContent = helpText; help.classList.remove('help--hint'); }
        } else {
          error.textContent = errorText(result);
          input.setAttribute('aria-invalid', 'true');
        }
      }).catch(function () {
        error.textContent = 'Could not reach the server. Check the connection and try again.';
      }).then(function () {
        button.disabled = false;
        form.removeAttribute('aria-busy');
        input.focus();
      });
    });

    input.addEventListener('input', function () { input.removeAttribute('aria-invalid'); });
  }

  function updateLoadMore(body) {
    var link = document.getElementById('load-more');
    if (!link) return;
    var next = body.next_before;
    link.parentElement.hidden = next === null || next === undefined || next === '';
    if (!link.parentElement.hidden) link.href = '/?before=' + encodeURIComponent(next);
  }

  function startIndex() {
    var tbody = document.getElementById('task-rows');
    var templateEl = document.getElementById('row-template');
    if (!tbody || !templateEl || typeof Mustache === 'undefined') return;
    var table = new TaskTable(tbody, templateEl.textContent);
    // For the browser tests: the row this page would render for a task.
    window.pidigits = { rowView: rowView, rowHtml: function (task) { return table.html(task); } };
    var seq = Number(document.body.dataset.seq);
    var feed = new EventFeed(table, isFinite(seq) ? seq : 0, updateLoadMore);
    var form = document.getElementById('task-form');
    if (form) setupForm(form, table);

    var indicator = document.getElementById('connection');
    connectLive({
      onOpen: function () { feed.resync(); },
      onMessage: function (message) { feed.handle(message); },
      onState: function (state, seconds) { showConnection(indicator, state, seconds); }
    });
  }

  // ---------------------------------------------------------------------
  // Pi page: while the digits are not available, follow the task and
  // reload when it is done.

  function startPiPage() {
    var body = document.body;
    var n = body.dataset.n;
    var compute = $('form.compute');
    if (compute) {
      compute.addEventListener('submit', function (event) {
        event.preventDefault();
        fetchJson('/api/tasks', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: '{"n": ' + n + '}'
        }).then(function (result) {
          if (result.status === 200 || result.status === 201) {
            location.reload();
          } else {
            var p = document.createElement('p');
            p.className = 'task-error';
            p.setAttribute('role', 'alert');
            p.textContent = errorText(result);
            compute.after(p);
          }
        });
      });
    }
    if (body.dataset.available === 'true' || !$('#pending')) return;

    function check(task) {
      if (!task || String(task.n) !== n) return;
      if (task.status === 'done') {
        location.reload();
        return;
      }
      var bar = $('#pending .bar');
      var pct = $('#pending .pct');
      var stage = $('#pending .stage');
      if (task.status !== (($('#pending .badge') || {}).textContent || '')) {
        location.reload();  // queued -> running or -> error: the page changes shape
        return;
      }
      var view = rowView(task);
      if (stage) stage.textContent = task.stage;
      if (bar) bar.value = view.progress_pct;
      if (pct) pct.textContent = view.progress_pct + '%';
    }

    connectLive({
      onOpen: function () {
        fetchJson('/api/tasks/' + n, { headers: { Accept: 'application/json' } })
          .then(function (result) { if (result.status === 200) check(result.body); })
          .catch(function () {});
      },
      onMessage: function (message) {
        if (message.type === 'task') check(message.task);
      },
      onState: function () {}
    });
  }

  function start() {
    var page = document.body.dataset.page;
    if (page === 'index') startIndex();
    else if (page === 'pi') startPiPage();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
