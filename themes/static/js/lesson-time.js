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

  function report() {
    if (activeSeconds < 1) return;
    var body = new URLSearchParams({ seconds: String(activeSeconds) });
    activeSeconds = 0;
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      // Background: on a kiosk, only the person's own touches keep the session awake.
      headers: { "X-CSRFToken": token, "X-Qadam-Background": "1" },
    }).catch(function () { /* a lost report only loses a few seconds */ });
  }
  window.setInterval(report, REPORT_EVERY * 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") report();
  });
})();
