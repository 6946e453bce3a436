/* Runs in the sandboxed frame's document, after H5P core and the libraries
 * (h5p-standalone's customJs; the player is embedded as a div there).
 * - Hands every xAPI statement to the sandboxed frame (h5p-sandbox.js), which posts it to
 *   the lesson page; the page sends it to the server with the session.
 * - Keeps the lesson page told of the learner's state (what they answered so far):
 *   after every statement, and every two seconds when it changed, so the page can save it
 *   the moment the learner leaves; a finishing statement asks the page to save at once.
 */
(function () {
  "use strict";
  var H5P = window.H5P;
  var out = window.QadamFrame;
  if (!H5P || !out) { return; }

  /* H5P core saves state by its own ajax (a timer, and on unload) when saveFreq is set,
   * which it must be to resume a learner's saved state. This frame has no cookies: the
   * lesson page saves state (below), so H5P core's own saving is off. */
  H5P.setUserData = function () {};

  var FINISHING = /\/(answered|completed|passed|failed)$/;
  var lastState = null;

  function instance() {
    return H5P.instances && H5P.instances[0];
  }

  function sendState(final) {
    var current = instance();
    if (!current || typeof current.getCurrentState !== "function") { return; }
    var state;
    try { state = JSON.stringify(current.getCurrentState()); } catch (e) { return; }
    if (state === undefined || (state === lastState && !final)) { return; }
    lastState = state;
    out.state(state, final);
  }

  H5P.externalDispatcher.on("xAPI", function (event) {
    if (!event || !event.data || !event.data.statement) { return; }
    var statement = JSON.parse(JSON.stringify(event.data.statement));
    out.statement(statement);
    var verb = statement.verb && statement.verb.id ? String(statement.verb.id) : "";
    sendState(FINISHING.test(verb));
  });

  window.setInterval(function () { sendState(false); }, 2000);
  window.addEventListener("pagehide", function () { sendState(true); });
})();
