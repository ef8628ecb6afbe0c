// The live connection to the relay (/ws) and the ordered event feed.
// Events: {"type":"task","seq":S,"task":{...}}; a gap in seq, a "resync"
// message or a (re)connect makes the page reload what it shows from the API.
(function () {
  'use strict';

  var PD = window.pidigits;
  var RECONNECT_MIN_MS = 500;
  var RECONNECT_MAX_MS = 10000;
  var STABLE_MS = 5000;  // a connection open this long resets the backoff

  // handlers: onOpen(), onMessage(obj), onState(state, secondsUntilRetry).
  // state: "connecting" | "live" | "lost" | "reconnecting".
  PD.connectLive = function (handlers) {
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
  };

  PD.showConnection = function (el, state, seconds) {
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
  };

  // The event stream: applies events in seq order and resyncs on a gap.
  // target: upsert(task), replaceAll(tasks), resyncUrl(); onResynced(body)
  // gets each list answer (paging, counts); onApplied() follows each event.
  function EventFeed(target, initialSeq, onResynced, onApplied) {
    this.target = target;
    this.lastSeq = initialSeq;
    this.resyncing = false;
    this.again = false;      // another resync was asked for while one ran
    this.buffer = [];        // events that arrived during a resync
    this.onResynced = onResynced || function () {};
    this.onApplied = onApplied || function () {};
  }
  PD.EventFeed = EventFeed;

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
    if (typeof message.seq === 'number') {
      if (message.seq <= this.lastSeq) return;  // already in what we show
      if (message.seq !== this.lastSeq + 1) {
        this.resync();  // missed at least one event
        return;
      }
      this.lastSeq = message.seq;
    }
    this.target.upsert(message.task);
    this.onApplied(message.task);
  };

  EventFeed.prototype.resync = function () {
    var self = this;
    if (this.resyncing) {
      this.again = true;
      return;
    }
    this.resyncing = true;
    this.again = false;
    PD.fetchJson(this.target.resyncUrl(), { headers: { Accept: 'application/json' } })
      .then(function (result) {
        if (result.status !== 200 || !result.body || !Array.isArray(result.body.tasks)) {
          throw new Error(PD.errorText(result));
        }
        self.target.replaceAll(result.body.tasks);
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
})();
