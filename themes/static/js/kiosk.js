/* Qadam kiosk: the session timer (idle time counted from real activity only), the
   "still here" countdown, Finish that leaves nothing behind, and a queue that keeps a
   progress save through a network blip. No inline script: CSP script-src 'self'. */
(function () {
  "use strict";
  var body = document.body;
  var QUEUE_PREFIX = "qadam-kiosk-queue:";

  function wipeBrowserStorage() {
    try { window.localStorage.clear(); } catch (e) { /* storage may be disabled */ }
    try { window.sessionStorage.clear(); } catch (e) { /* idem */ }
    try {
      if (window.indexedDB && indexedDB.databases) {
        indexedDB.databases().then(function (dbs) {
          dbs.forEach(function (db) { if (db.name) { indexedDB.deleteDatabase(db.name); } });
        });
      }
    } catch (e) { /* idem */ }
    try {
      if (window.caches && caches.keys) {
        caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); });
      }
    } catch (e) { /* idem */ }
  }

  // Signed out (sign-in page): nothing of anybody may stay in this browser.
  if (!body.hasAttribute("data-kiosk-session")) {
    wipeBrowserStorage();
    return;
  }

  var idleSeconds = parseInt(body.dataset.idleSeconds, 10) || 300;
  var warningSeconds = parseInt(body.dataset.warningSeconds, 10) || 30;
  var capLeft = parseInt(body.dataset.capLeft, 10);
  var queueKey = QUEUE_PREFIX + (body.dataset.queueKey || "none");
  var activityUrl = body.dataset.activityUrl;
  var signOutForm = document.querySelector("[data-kiosk-sign-out]");
  var dialog = document.querySelector("[data-kiosk-timeout]");
  var countdown = document.querySelector("[data-kiosk-countdown]");
  var stillHere = document.querySelector("[data-kiosk-still-here]");
  var queueStatus = document.querySelector("[data-kiosk-queue-status]");
  var now = function () { return Date.now() / 1000; };
  var lastActivity = now();
  // The server's absolute cap: the session cannot outlive this, whatever the activity.
  var hardEnd = now() + (isNaN(capLeft) ? 3600 : Math.max(capLeft, 0));
  var lastReported = now();
  var finishing = false;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // A queue of progress saves that failed, kept only for this sign-in (its key is a
  // random value of this session): another person's page never sends it.
  function loadQueue() {
    var items = [];
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf(QUEUE_PREFIX) === 0 && key !== queueKey) { sessionStorage.removeItem(key); }
      }
      items = JSON.parse(sessionStorage.getItem(queueKey) || "[]");
    } catch (e) { items = []; }
    return Array.isArray(items) ? items : [];
  }
  function saveQueue(items) {
    try {
      if (items.length) { sessionStorage.setItem(queueKey, JSON.stringify(items)); }
      else { sessionStorage.removeItem(queueKey); }
    } catch (e) { /* storage full or disabled: the save is lost, never replayed */ }
    if (queueStatus) { queueStatus.hidden = items.length === 0; }
  }

  function send(item, background) {
    var data = new URLSearchParams(item.body);
    var headers = { "X-CSRFToken": data.get("csrfmiddlewaretoken") || csrfToken() };
    if (background) { headers["X-Qadam-Background"] = "1"; }
    return fetch(item.url, {
      method: "POST", body: data, headers: headers, credentials: "same-origin", redirect: "follow"
    });
  }

  function flushQueue() {
    var items = loadQueue();
    if (!items.length) { return Promise.resolve(true); }
    var item = items[0];
    return send(item, true).then(function (response) {
      // Sent (or refused for good: a 4xx will never succeed): drop it either way.
      if (response.ok || (response.status >= 400 && response.status < 500)) {
        saveQueue(loadQueue().slice(1));
        return flushQueue();
      }
      return false;
    }, function () { return false; });
  }

  // Progress forms ("Mark as done", activity results) go through fetch; if the network
  // fails, the save is queued here and retried; the server counts repeats once.
  document.querySelectorAll("form[action*='/learn/lessons/']").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var item = { url: form.action, body: new URLSearchParams(new FormData(form)).toString() };
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      send(item, false).then(function (response) {
        if (response.ok) { window.location.assign(response.url); return; }
        if (response.status >= 500) { throw new Error("server"); }
        window.location.reload();
      }).catch(function () {
        var items = loadQueue();
        items.push(item);
        saveQueue(items);
        if (button) { button.disabled = false; }
      });
    });
  });
  saveQueue(loadQueue());
  flushQueue();  // a save left over from the previous page goes first, not 5 s later
  window.setInterval(flushQueue, 5000);

  function reportActivity() {
    lastReported = now();
    return fetch(activityUrl, {
      method: "POST", headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin"
    }).then(function (response) {
      // Signed out on the server (401, or sent on to the sign-in page): end here too.
      if (response.status === 401 || response.redirected) { finish("idle"); }
    }, function () { /* offline: the local timer still ends the session */ });
  }

  function activity() {
    lastActivity = now();
    if (!dialog.hidden) { dialog.hidden = true; }
    // Keep the server's idle timer in step, at most once every 20 seconds.
    // (kiosk_session.ACTIVITY_REPORT_SECONDS: the server's idle limit allows for it)
    if (now() - lastReported > Math.min(20, idleSeconds / 3)) { reportActivity(); }
  }
  ["pointerdown", "keydown", "scroll", "touchstart", "wheel"].forEach(function (name) {
    // While the countdown shows, only the "still here" button counts (hiding the dialog
    // on pointerdown would let the same tap land on whatever lies beneath it).
    window.addEventListener(name, function () {
      if (dialog.hidden) { activity(); }
    }, { passive: true, capture: true });
  });
  if (stillHere) {
    stillHere.addEventListener("click", function () { lastReported = 0; activity(); });
  }

  function finish(reason) {
    if (finishing) { return; }
    finishing = true;
    var submit = function () {
      saveQueue([]);
      wipeBrowserStorage();
      var field = signOutForm.querySelector("input[name=reason]");
      if (field && reason) { field.value = reason; }
      signOutForm.submit();
    };
    // Progress in flight is saved first if it can be (within 3 seconds), else dropped.
    Promise.race([flushQueue(), new Promise(function (r) { window.setTimeout(r, 3000); })])
      .then(submit, submit);
  }
  if (signOutForm) {
    signOutForm.addEventListener("submit", function (event) {
      if (finishing) { return; }
      event.preventDefault();
      finish("");
    });
  }

  function tick() {
    var t = now();
    var idleLeft = idleSeconds - (t - lastActivity);
    var left = Math.min(idleLeft, hardEnd - t);
    if (left <= 0) { finish(idleLeft <= 0 ? "idle" : "cap"); return; }
    if (idleLeft <= warningSeconds) {
      if (dialog.hidden) { dialog.hidden = false; stillHere.focus(); }
      countdown.textContent = String(Math.ceil(idleLeft));
    }
  }
  window.setInterval(tick, 250);
}());
