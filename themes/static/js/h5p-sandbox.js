/* The document of a sandboxed H5P frame (no allow-same-origin: an opaque origin, no
 * cookies, no access to the lesson page). Starts h5p-standalone with the options the
 * server put in this document, and is the frame's one way out: it posts messages to the
 * lesson page (its origin only), each with this view's token:
 *   {qadam: "h5p-frame", view, kind: "statement", statement}
 *   {qadam: "h5p-frame", view, kind: "state", data, final}
 *   {qadam: "h5p-frame", view, kind: "height", height}
 * The page checks the sender window, the shape and the token; the server checks the
 * token again against the session. Library code in this frame could post messages too:
 * only for this view (this learner, lesson and activity), which the design accepts.
 */
(function () {
  "use strict";

  /* An opaque origin has no localStorage (reading it throws), and H5P core reads it (its
   * offline request queue, its clipboard). It gets storage in memory for this view only:
   * nothing of one learner stays in the browser for the next. */
  function memoryStorage() {
    var items = {};
    return {
      getItem: function (key) { return Object.prototype.hasOwnProperty.call(items, key) ? items[key] : null; },
      setItem: function (key, value) { items[key] = String(value); },
      removeItem: function (key) { delete items[key]; },
      clear: function () { items = {}; },
      key: function (index) { return Object.keys(items)[index] || null; },
      get length() { return Object.keys(items).length; }
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try { window[name].length; } catch (e) {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
    }
  });

  var config = JSON.parse(document.getElementById("qadam-h5p-config").textContent);
  var lastHeight = 0;

  function post(kind, fields) {
    var message = { qadam: "h5p-frame", view: config.view, kind: kind };
    Object.keys(fields || {}).forEach(function (key) { message[key] = fields[key]; });
    window.parent.postMessage(message, config.pageOrigin);
  }

  /* Called by h5p-frame.js inside H5P's own iframe (same opaque origin as this one). */
  window.QadamFrame = {
    statement: function (statement) { post("statement", { statement: statement }); },
    state: function (data, final) { post("state", { data: data, final: !!final }); }
  };

  function reportHeight() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height && height !== lastHeight) {
      lastHeight = height;
      post("height", { height: height });
    }
  }

  window.H5PIntegration = window.H5PIntegration || {};
  window.H5PIntegration.siteUrl = config.siteUrl;
  var el = document.getElementById("qadam-h5p");
  if (window.ResizeObserver) {
    new ResizeObserver(reportHeight).observe(document.body);
  }
  window.setInterval(reportHeight, 1000);
  new window.H5PStandalone.H5P(el, config).then(function () {
    document.body.setAttribute("data-h5p-ready", "1");
    reportHeight();
  }, function (error) {
    document.body.setAttribute("data-h5p-failed", String(error && error.message || error));
    post("failed", {});
  });
})();
