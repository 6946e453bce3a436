/* H5P activities in lessons: the lesson page's side of the wall.
 *
 * Each activity plays in its own sandboxed iframe (iframe[data-h5p-frame], opaque origin,
 * no cookies); this page never runs H5P code. It listens for the frames' messages and
 * accepts one only if it comes from one of this page's H5P frames (event.source), from an
 * opaque origin ("null"), has the expected shape, and carries that frame's own view token.
 * Then, for that frame's activity only (the URLs are the page's, never the message's):
 *   statement -> queued, then POSTed to the activity's xAPI URL with the session, the
 *                CSRF token and the view token; the result line updates from the answer.
 *   state     -> the learner's answers so far, saved (at once when finishing, when the
 *                page is left or hidden, else at most every few seconds).
 *   height    -> the frame's height.
 * A statement that cannot be sent (no connection) waits in localStorage under a key of the
 * signed-in learner and is retried; nothing of one learner is ever sent under another's.
 *
 * Browser storage this page uses (all removed by window.QadamStorage.clearAll()):
 *   qadam.h5p.queue.<learner id>   statements not yet sent, per learner
 *   requestQueue, H5PUserUUID, h5pClipboard   H5P core's own keys (never replayed)
 */
(function () {
  "use strict";

  var QUEUE_PREFIX = "qadam.h5p.queue.";
  var H5P_KEYS = ["requestQueue", "H5PUserUUID", "h5pClipboard"];
  var KINDS = { statement: 1, state: 1, height: 1, failed: 1 };
  var MAX_HEIGHT = 20000;
  var frames = [];   // {frame, view, xapiUrl, stateUrl, block, pending, timer}
  var learner = null;
  var retryTimer = null;

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function clearAll() {
    var store = storage();
    if (!store) { return; }
    H5P_KEYS.forEach(function (key) { store.removeItem(key); });
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf("qadam.") === 0) { store.removeItem(key); }
    }
  }

  /* Anything left by someone else (a kiosk where the last learner did not sign out here)
   * is dropped, never sent under this learner's session. */
  function sweepOthers(current) {
    var store = storage();
    if (!store) { return; }
    H5P_KEYS.forEach(function (key) { store.removeItem(key); });
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(QUEUE_PREFIX) === 0 && key !== QUEUE_PREFIX + current) {
        store.removeItem(key);
      }
    }
  }

  window.QadamStorage = window.QadamStorage || {};
  var previousClearAll = window.QadamStorage.clearAll;
  window.QadamStorage.clearAll = function () {
    if (typeof previousClearAll === "function" && previousClearAll !== window.QadamStorage.clearAll) {
      try { previousClearAll(); } catch (e) { /* keep clearing ours */ }
    }
    clearAll();
  };

  function queueKey() { return QUEUE_PREFIX + learner; }

  function readQueue() {
    var store = storage();
    if (!store || !learner) { return []; }
    try { return JSON.parse(store.getItem(queueKey()) || "[]"); } catch (e) { return []; }
  }

  function writeQueue(items) {
    var store = storage();
    if (!store || !learner) { return; }
    if (items.length) { store.setItem(queueKey(), JSON.stringify(items)); }
    else { store.removeItem(queueKey()); }
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function section(entry) { return entry.frame.closest(".h5p-activity"); }

  function status(entry, message) {
    var line = section(entry).querySelector("[data-h5p-status]");
    if (line) { line.textContent = message; }
  }

  function entryForBlock(block) {
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].block === block) { return frames[i]; }
    }
    return null;
  }

  function send(item) {
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Qadam-View": item.view
      },
      body: JSON.stringify({ id: item.id, statement: item.statement })
    }).then(function (response) {
      // 2xx: stored. 4xx: this statement will never be accepted (or this is no longer
      // the learner's session): drop it. 5xx: keep and retry.
      if (response.status >= 500) { throw new Error("server " + response.status); }
      return response.ok ? response.json() : null;
    });
  }

  // The footer of this lesson: the next activity to pass, or "Mark as done" once none is.
  function lessonFooter(outstanding) {
    if (typeof outstanding !== "string") { return; }
    var line = document.querySelector("[data-lesson-outstanding]");
    var form = document.querySelector("form[data-lesson-done]");
    if (line) {
      line.textContent = outstanding;
      line.hidden = !outstanding;
    }
    if (form) { form.hidden = !!outstanding; }
  }

  function flush() {
    var items = readQueue();
    if (!items.length) { return Promise.resolve(); }
    var item = items[0];
    return send(item).then(function (answer) {
      writeQueue(readQueue().filter(function (other) { return other.id !== item.id; }));
      var entry = entryForBlock(item.block);
      if (entry && answer && answer.counted) {
        status(entry, section(entry).getAttribute("data-h5p-saved"));
        var line = section(entry).querySelector("[data-h5p-result]");
        if (line && answer.result) {
          line.textContent = answer.result;
          line.classList.add("status");
          line.classList.toggle("status--done", !!answer.passed);
        }
        lessonFooter(answer.lesson_outstanding);
        document.dispatchEvent(new CustomEvent("qadam:h5p-result", { detail: answer }));
      } else if (entry && answer && answer.message) {
        status(entry, answer.message);  // e.g. join the course first (translated by the server)
      }
      return flush();
    }).catch(function () {
      var entry = entryForBlock(item.block);
      if (entry) { status(entry, section(entry).getAttribute("data-h5p-unsent")); }
      clearTimeout(retryTimer);
      retryTimer = setTimeout(flush, 5000);
    });
  }

  function saveState(entry, keepalive) {
    clearTimeout(entry.timer);
    entry.timer = null;
    if (entry.pending === null) { return; }
    var body = new URLSearchParams();
    body.set("data", entry.pending);
    entry.pending = null;
    fetch(entry.stateUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: {
        "X-CSRFToken": csrfToken(),
        "X-Qadam-View": entry.view,
        // Saving on its own must not keep a kiosk session awake.
        "X-Qadam-Background": "1"
      },
      body: body
    }).catch(function () { /* the next change or the next visit saves again */ });
  }

  function receive(entry, data) {
    if (data.kind === "height") {
      var height = Number(data.height);
      if (isFinite(height) && height > 0) {
        entry.frame.style.height = Math.min(Math.ceil(height), MAX_HEIGHT) + "px";
      }
    } else if (data.kind === "statement") {
      if (!learner || !data.statement || typeof data.statement !== "object") { return; }
      var items = readQueue();
      items.push({
        id: uuid(), block: entry.block, url: entry.xapiUrl, view: entry.view,
        statement: data.statement
      });
      writeQueue(items);
      flush();
    } else if (data.kind === "state") {
      if (!learner || typeof data.data !== "string") { return; }
      entry.pending = data.data;
      if (data.final) { saveState(entry, false); }
      else if (!entry.timer) { entry.timer = setTimeout(function () { saveState(entry, false); }, entry.saveMs); }
    } else if (data.kind === "failed") {
      status(entry, section(entry).getAttribute("data-h5p-failed"));
    }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== "null" || !data || typeof data !== "object" || data.qadam !== "h5p-frame") { return; }
    if (typeof data.view !== "string" || !KINDS[data.kind]) { return; }
    for (var i = 0; i < frames.length; i++) {
      var entry = frames[i];
      if (entry.frame.contentWindow === event.source) {
        if (data.view === entry.view) { receive(entry, data); }
        return;
      }
    }
  });

  function leave() {
    frames.forEach(function (entry) { saveState(entry, true); });
  }

  function start() {
    var elements = document.querySelectorAll("iframe[data-h5p-frame]");
    Array.prototype.forEach.call(elements, function (frame) {
      if (frame.getAttribute("data-h5p-started")) { return; }
      frame.setAttribute("data-h5p-started", "1");
      learner = learner || frame.getAttribute("data-h5p-learner") || null;
      frames.push({
        frame: frame,
        block: frame.getAttribute("data-h5p-frame"),
        view: frame.getAttribute("data-h5p-view"),
        xapiUrl: frame.getAttribute("data-h5p-xapi"),
        stateUrl: frame.getAttribute("data-h5p-state"),
        saveMs: 1000 * (Number(frame.getAttribute("data-h5p-save-seconds")) || 10),
        pending: null,
        timer: null
      });
    });
    if (learner) {
      sweepOthers(learner);
      flush();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.action) { return; }
    leave();
    if (/\/accounts\/logout\/?$/.test(new URL(form.action, location.href).pathname)) {
      window.QadamStorage.clearAll();
    }
  }, true);
  window.addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { leave(); }
  });
  window.addEventListener("online", function () { flush(); });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
