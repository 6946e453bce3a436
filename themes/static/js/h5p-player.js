/* H5P activities in lessons.
 *
 * Starts h5p-standalone for each [data-h5p-player] with the settings the server put in the
 * page (a JSON script element), and sends the activity's xAPI statements to our endpoint
 * with the CSRF token. A statement that cannot be sent (no connection) waits in
 * localStorage under a key of the signed-in learner and is retried; nothing of one learner
 * is ever sent under another's session.
 *
 * Browser storage this page uses (all removed by window.QadamStorage.clearAll()):
 *   qadam.h5p.queue.<learner id>   statements not yet sent, per learner
 *   requestQueue, H5PUserUUID, h5pClipboard   H5P core's own keys (never replayed)
 */
(function () {
  "use strict";

  var QUEUE_PREFIX = "qadam.h5p.queue.";
  var H5P_KEYS = ["requestQueue", "H5PUserUUID", "h5pClipboard"];
  var players = {};   // xAPIObjectIRI -> config
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

  function status(config, message) {
    var el = document.querySelector('[data-h5p-player="' + config.id + '"]');
    var line = el && el.parentNode.querySelector("[data-h5p-status]");
    if (line) { line.textContent = message; }
  }

  function send(item) {
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ id: item.id, statement: item.statement })
    }).then(function (response) {
      // 2xx: stored. 4xx: this statement will never be accepted (or this is no longer
      // the learner's session): drop it. 5xx: keep and retry.
      if (response.status >= 500) { throw new Error("server " + response.status); }
      return response.ok ? response.json() : null;
    });
  }

  function flush() {
    var items = readQueue();
    if (!items.length) { return Promise.resolve(); }
    var item = items[0];
    return send(item).then(function (answer) {
      writeQueue(readQueue().filter(function (other) { return other.id !== item.id; }));
      var config = players[item.iri];
      if (config && answer && answer.counted) {
        status(config, document.querySelector('[data-h5p-player="' + config.id + '"]').getAttribute("data-h5p-saved"));
        document.dispatchEvent(new CustomEvent("qadam:h5p-result", { detail: answer }));
      } else if (config && answer && answer.message) {
        status(config, answer.message);  // e.g. join the course first (translated by the server)
      }
      return flush();
    }).catch(function () {
      var config = players[item.iri];
      if (config) {
        status(config, document.querySelector('[data-h5p-player="' + config.id + '"]').getAttribute("data-h5p-unsent"));
      }
      clearTimeout(retryTimer);
      retryTimer = setTimeout(flush, 5000);
    });
  }

  /* Called by h5p-frame.js inside each player's iframe for every xAPI statement. */
  function receive(statement) {
    if (!learner || !statement || !statement.object) { return; }
    var config = players[statement.object.id];
    if (!config) { return; }
    var items = readQueue();
    items.push({ id: uuid(), iri: config.xAPIObjectIRI, url: config.xapiUrl, statement: statement });
    writeQueue(items);
    flush();
  }

  window.QadamH5P = { receive: receive };

  function start() {
    var elements = document.querySelectorAll("[data-h5p-player]");
    if (!elements.length || !window.H5PStandalone) { return; }
    Array.prototype.forEach.call(elements, function (el) {
      if (el.getAttribute("data-h5p-started")) { return; }
      el.setAttribute("data-h5p-started", "1");
      var data = document.getElementById(el.getAttribute("data-h5p-player"));
      var config = JSON.parse(data.textContent);
      learner = learner || config.learner || null;
      players[config.xAPIObjectIRI] = config;
      window.H5PIntegration = window.H5PIntegration || {};
      window.H5PIntegration.siteUrl = config.siteUrl;
      new window.H5PStandalone.H5P(el, config);
    });
    if (learner) {
      sweepOthers(learner);
      flush();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.action && /\/accounts\/logout\/?$/.test(new URL(form.action, location.href).pathname)) {
      window.QadamStorage.clearAll();
    }
  }, true);
  window.addEventListener("online", function () { flush(); });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
