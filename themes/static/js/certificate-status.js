// "My certificates": while a certificate is being prepared, ask the server every few
// seconds how many of the person's own certificates are still being prepared, and
// reload the page when none is (kiosks have no reload button). The requests are marked
// as background so they do not keep an abandoned kiosk session open.
(function () {
  "use strict";
  function start() {
    var root = document.querySelector("[data-certificate-status]");
    if (!root || !document.querySelector("[data-certificate-preparing]")) { return; }
    var url = root.getAttribute("data-certificate-status");
    function poll() {
      fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Qadam-Background": "1" }
      })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          if (data.preparing === 0) { window.location.reload(); } else { window.setTimeout(poll, 4000); }
        })
        .catch(function () { window.setTimeout(poll, 10000); });
    }
    window.setTimeout(poll, 3000);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
