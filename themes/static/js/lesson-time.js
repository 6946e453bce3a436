// Reports active time on a lesson page for the course's "minimum time" rule. Time counts
// only while the page is visible and the learner touched, typed or scrolled in the last
// REPORT_EVERY seconds; background timers alone never keep it running. The server caps
// every report by the wall-clock time since the previous one.
(function () {
  var root = document.querySelector("[data-lesson-time-url]");
  if (!root) return;
  var REPORT_EVERY = 30;
  var url = root.dataset.lessonTimeUrl;
  var token = root.dataset.csrfToken;
  var lastActivity = Date.now();
  var activeSeconds = 0;

  ["pointerdown", "keydown", "scroll", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });

  window.setInterval(function () {
    if (document.visibilityState === "visible" && Date.now() - lastActivity < REPORT_EVERY * 1000) {
      activeSeconds += 1;
    }
  }, 1000);

  // Each report has an id of its own, so a report sent again (after a dropped
  // connection) counts once; unsent reports are retried with the next one.
  var unsent = [];
  function newId() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function send(item) {
    return fetch(url, {
      method: "POST",
      body: new URLSearchParams(item),
      credentials: "same-origin",
      // Background: on a kiosk, only the person's own touches keep the session awake.
      headers: { "X-CSRFToken": token, "X-Qadam-Background": "1" },
    }).then(function (response) {
      // Kept (204), or refused for good (4xx): either way it is not sent again; the lesson
      // gone (404) or no longer open to progress (409): stop reporting on this page.
      if (response.status >= 500) { throw new Error("server"); }
      if (response.status === 404 || response.status === 409) { stopped = true; }
    });
  }
  var stopped = false;
  function report() {
    if (stopped) { unsent = []; return; }
    if (activeSeconds >= 1) {
      unsent.push({ id: newId(), seconds: String(activeSeconds) });
      activeSeconds = 0;
    }
    unsent = unsent.slice(-20);
    unsent.slice().forEach(function (item) {
      send(item).then(function () {
        unsent = unsent.filter(function (other) { return other.id !== item.id; });
      }, function () { /* kept in unsent: tried again with the next report */ });
    });
  }
  window.setInterval(report, REPORT_EVERY * 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") report();
  });
})();
