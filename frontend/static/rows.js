// The task table: the row view (what row.mustache shows, from the task JSON)
// and the rows kept current in place, so that focus and selection survive
// live updates (issue 13: a focused link must not drop to <body>).
(function () {
  'use strict';

  var PD = window.pidigits;
  var RESYNC_LIMIT_DEFAULT = 50;
  var RESYNC_LIMIT_MAX = 500;  // the API's upper bound for ?limit=
  var TICK_STALE_MS = 30000;   // "took" stops ticking without news this long

  // ---------------------------------------------------------------------
  // The row view, by the rules of docs/CONTRACTS.md ("Row view").
  // fcgi-app/views.cc (row_view) makes the server's rows by the same rules;
  // tests/browser renders rows both ways and compares them, so change both
  // together. Integer arithmetic only, so that C++ and JavaScript round
  // alike. null for a task without a valid n (such a row is not shown).

  function ordinal(k) {
    var last2 = k % 100, last = k % 10;
    var suffix = (last2 >= 11 && last2 <= 13) ? 'th'
      : last === 1 ? 'st' : last === 2 ? 'nd' : last === 3 ? 'rd' : 'th';
    return k + suffix;
  }

  function activityText(status, task) {
    if (status === 'queued') {
      var k = task.queue_position;
      if (!Number.isInteger(k) || k < 1) return 'waiting';
      return k === 1 ? 'next in queue' : ordinal(k) + ' in queue';
    }
    if (status === 'running') {
      if (task.stage === 'calculated') return 'storing';
      var p = typeof task.phase === 'string' ? task.phase : '';
      if (p === 'conversion') return 'converting to decimal';
      if (p === 'sqrt') return 'computing: square root';
      if (p === 'series' || p === 'division') return 'computing: ' + p;
      return 'starting';
    }
    if (status === 'done') return task.source === 'cached' ? 'from stored digits' : '';
    return '';
  }

  function etaText(eta) {
    if (!Number.isInteger(eta)) return '';
    var seconds = Math.floor((Math.max(0, eta) + 999) / 1000);
    return 'about ' + (seconds < 60 ? seconds + ' s' : PD.durationText(seconds * 1000)) + ' left';
  }

  function rowView(task) {
    var n = Number(task && task.n);
    if (!Number.isSafeInteger(n) || n < 1) return null;
    var status = typeof task.status === 'string' ? task.status : '';
    var created = typeof task.created_at === 'string' ? task.created_at : '';
    // "2026-11-26T04:15:46.123Z" -> "2026-11-26 04:15:46"
    if (created.length >= 19) created = created.slice(0, 10) + ' ' + created.slice(11, 19);
    var pct = typeof task.progress === 'number' ? Math.floor(task.progress * 100) : 0;
    var active = status === 'queued' || status === 'running';
    var taken = task.stages && typeof task.stages === 'object' ? task.stages.taken : null;
    return {
      n: n,
      id: task.id,
      version: task.version,
      status: status,
      stage: task.stage,
      error: task.error,
      created_at: task.created_at,
      url: '/pi/' + n,
      n_text: PD.countText(n),
      queued: status === 'queued',
      running: status === 'running',
      done: status === 'done',
      failed: status === 'error',
      cancelled: status === 'cancelled',
      cached: task.source === 'cached',
      activity: activityText(status, task),
      eta_text: active ? etaText(task.eta_ms) : '',
      can_cancel: active,
      can_retry: status === 'error' || status === 'cancelled',
      taken_at: status === 'running' && typeof taken === 'string' ? taken : '',
      took_ms: Number.isInteger(task.took_ms) ? task.took_ms : null,
      updated_at: task.updated_at,
      digit_text: Number.isInteger(task.digit) ? String(task.digit) : '',
      progress_pct: Math.min(100, Math.max(0, pct)),
      created: created,
      took: Number.isInteger(task.took_ms) ? PD.durationText(task.took_ms) : ''
    };
  }
  PD.rowView = rowView;

  // ---------------------------------------------------------------------
  // Updating in place: `from` takes the attributes, text and children of
  // `to`; elements of the same kind at the same place stay the same objects.

  function morph(from, to) {
    if (from.nodeType !== to.nodeType || from.nodeName !== to.nodeName) {
      from.replaceWith(to);
      return;
    }
    if (from.nodeType === Node.TEXT_NODE || from.nodeType === Node.COMMENT_NODE) {
      if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
      return;
    }
    if (from.nodeType !== Node.ELEMENT_NODE) return;
    var flashing = from.classList.contains('flash');
    var i, name;
    for (i = 0; i < to.attributes.length; i++) {
      name = to.attributes[i].name;
      if (from.getAttribute(name) !== to.attributes[i].value) from.setAttribute(name, to.attributes[i].value);
    }
    for (i = from.attributes.length - 1; i >= 0; i--) {
      name = from.attributes[i].name;
      if (!to.hasAttribute(name)) from.removeAttribute(name);
    }
    if (flashing) from.classList.add('flash');  // a highlight outlives the update
    var wanted = Array.prototype.slice.call(to.childNodes);
    for (i = 0; i < wanted.length; i++) {
      if (i < from.childNodes.length) morph(from.childNodes[i], wanted[i]);
      else from.appendChild(wanted[i]);
    }
    while (from.childNodes.length > wanted.length) from.removeChild(from.lastChild);
  }

  // Morphs row into fresh; if the focus was inside and its element is gone,
  // it moves to the row's link instead of dropping to <body>.
  function updateRow(row, fresh) {
    var focused = row.contains(document.activeElement) ? document.activeElement : null;
    morph(row, fresh);
    PD.localizeTimes(row);
    if (focused && !row.contains(document.activeElement)) {
      var link = PD.$('.c-n a', row);
      if (link) link.focus();
    }
    return row;
  }

  // ---------------------------------------------------------------------
  // The table. tbody holds the listed rows (newest first); rows elsewhere on
  // the page (the "still running" group) are updated where they are.

  function TaskTable(tbody, rowTemplate) {
    this.tbody = tbody;
    this.rowTemplate = rowTemplate;
    var params = new URLSearchParams(location.search);
    // A page of older tasks (/?before=ID) takes updates to its rows but never
    // new tasks: those belong on the first page. A filtered page takes new
    // rows of its status only.
    this.before = params.get('before');
    this.status = params.get('status') || '';
    this.limit = Number(params.get('limit')) || 0;  // the page's own size, if it names one
    Mustache.parse(rowTemplate);
  }
  PD.TaskTable = TaskTable;

  // The row's HTML, or null for a task rowView refuses.
  TaskTable.prototype.html = function (task) {
    var view = rowView(task);
    return view ? Mustache.render(this.rowTemplate, view) : null;
  };

  TaskTable.prototype.element = function (task) {
    var html = this.html(task);
    if (html === null) return null;
    var row = PD.parseHtml(html);
    PD.localizeTimes(row);
    return row;
  };

  // Puts the task's row in place: updates the row of the same n or inserts
  // it newest first by id. A row that already shows a newer version of the
  // task stays: events and API answers can arrive out of order.
  TaskTable.prototype.upsert = function (task) {
    var fresh = this.element(task);
    if (!fresh) return null;
    var current = document.getElementById('task-' + fresh.dataset.n);
    if (current && Number(current.dataset.version) > task.version) return current;
    if (current) return updateRow(current, fresh);
    if (this.before !== null) return null;
    if (this.status && task.status !== this.status) return null;
    this.tbody.insertBefore(fresh, this.firstRowOlderThan(task.id));
    var empty = document.getElementById('empty-note');
    if (empty) empty.remove();
    return fresh;
  };

  TaskTable.prototype.firstRowOlderThan = function (id) {
    var rows = this.tbody.children;
    for (var i = 0; i < rows.length; i++) {
      if (Number(rows[i].dataset.id) < id) return rows[i];
    }
    return null;
  };

  // The listed rows become exactly `tasks`, rows that stay updated in place.
  TaskTable.prototype.replaceAll = function (tasks) {
    var keep = {};
    var previous = null;
    for (var i = 0; i < tasks.length; i++) {
      var fresh = this.element(tasks[i]);
      if (!fresh) continue;
      var current = document.getElementById(fresh.id);
      var row = fresh;
      if (current && current.parentNode === this.tbody) {
        row = Number(current.dataset.version) > tasks[i].version ? current : updateRow(current, fresh);
      } else if (current) {
        continue;  // shown in the "still running" group
      }
      keep[row.id] = true;
      var wantedNext = previous ? previous.nextSibling : this.tbody.firstChild;
      if (row !== wantedNext) this.tbody.insertBefore(row, wantedNext);
      previous = row;
    }
    PD.$$('tr', this.tbody).forEach(function (row) {
      if (!keep[row.id] && !row.contains(document.activeElement)) row.remove();
    });
    var empty = document.getElementById('empty-note');
    if (empty && tasks.length) empty.remove();
  };

  TaskTable.prototype.resyncUrl = function () {
    var limit = Math.min(RESYNC_LIMIT_MAX,
                         this.limit || Math.max(RESYNC_LIMIT_DEFAULT, this.tbody.children.length));
    var url = '/api/tasks?limit=' + limit;
    if (this.status) url += '&status=' + encodeURIComponent(this.status);
    if (this.before !== null) url += '&before=' + encodeURIComponent(this.before);
    return url;
  };

  // "took" of running rows ticks every second by the server's clock: the
  // time at the last report plus the time since (while reports keep coming).
  PD.tickTook = function () {
    if (PD.clockSkew === null) return;
    var now = Date.now() + PD.clockSkew;
    PD.$$('.took[data-took-ms]').forEach(function (el) {
      var took = Number(el.dataset.tookMs);
      var updated = Date.parse(el.dataset.updated || '');
      if (!isFinite(took) || isNaN(updated)) return;
      var since = Math.max(0, now - updated);
      if (since > TICK_STALE_MS) return;
      var text = PD.durationText(Math.round(took + since));
      if (el.textContent !== text) el.textContent = text;
    });
  };
})();
