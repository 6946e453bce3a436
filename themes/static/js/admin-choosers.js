// Wagtail's date and time pickers, started without inline scripts so that the admin runs
// under a Content-Security-Policy without 'unsafe-inline' (see the widget templates in
// themes/templates/wagtailadmin/widgets/).
(function () {
  function start() {
    document.querySelectorAll("[data-qadam-chooser]").forEach(function (marker) {
      var init = window[marker.dataset.qadamChooser];
      if (typeof init !== "function" || marker.dataset.started) return;
      marker.dataset.started = "1";
      init(marker.dataset.target, JSON.parse(marker.dataset.config || "{}"));
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
