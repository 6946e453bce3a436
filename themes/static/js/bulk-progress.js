// Bulk certificate issue: polls the run's progress (JSON) and updates the bar. Loaded on
// every admin page; does nothing unless the page has [data-bulk-progress].
(function () {
  "use strict";
  function start() {
    var root = document.querySelector("[data-bulk-progress]");
    if (!root) { return; }
    var url = root.getAttribute("data-bulk-progress");
    function set(name, value) {
      var el = root.querySelector("[data-bulk-" + name + "]");
      if (el) { el.textContent = String(value); }
    }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          root.querySelector("[data-bulk-bar]").value = data.percent;
          set("status", data.status_label);
          set("done", data.done);
          set("total", data.total);
          set("failed", data.failed);
          if (data.status !== "done" && data.status !== "failed") { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    poll();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
