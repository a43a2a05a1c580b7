/* Forgetting the athlete app's kept pages: the service worker keeps one user's pages for offline
   use (Cache Storage, named "rehab-athlete-..."). window.rehabForgetPages() deletes them (a
   promise); the athlete app calls it on logging out, and the login page (this script with
   data-now) at once, before anyone logs in, so no page of the previous user stays on the phone.
   Logs waiting to be sent are kept elsewhere (localStorage, per user) and are not touched. */
(function () {
  "use strict";
  function forgetPages() {
    if (!("caches" in window)) return Promise.resolve();
    return caches.keys().then(function (keys) {
      return Promise.all(
        keys
          .filter(function (key) {
            return key.indexOf("rehab-athlete-") === 0;
          })
          .map(function (key) {
            return caches.delete(key);
          })
      );
    });
  }
  window.rehabForgetPages = forgetPages;
  var script = document.currentScript;
  if (script && script.hasAttribute("data-now")) {
    forgetPages().catch(function () {
      /* no cache storage (a private window): nothing kept to forget */
    });
  }
})();
