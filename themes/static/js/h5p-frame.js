/* Runs inside each H5P player iframe, after H5P core and the libraries.
 * - H5P core saves learner state with jQuery POSTs: add our CSRF token to same-origin ones.
 * - Hands every xAPI statement to the page (h5p-player.js), which sends it to the server.
 */
(function () {
  "use strict";
  var H5P = window.H5P;
  if (!H5P || !H5P.jQuery) { return; }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  H5P.jQuery.ajaxPrefilter(function (options, original, xhr) {
    var url = new URL(options.url, window.parent.location.href);
    if (url.origin === window.parent.location.origin && !/^(GET|HEAD|OPTIONS)$/i.test(options.type)) {
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      // H5P saves state on a timer: on a kiosk that must not keep the session awake.
      xhr.setRequestHeader("X-Qadam-Background", "1");
    }
  });

  H5P.externalDispatcher.on("xAPI", function (event) {
    var page = window.parent && window.parent.QadamH5P;
    if (page && event && event.data && event.data.statement) {
      page.receive(JSON.parse(JSON.stringify(event.data.statement)));
    }
  });
})();
