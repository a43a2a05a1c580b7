/* The login page: whoever logs in next, no page of the previous user stays on this phone. The
   athlete app's service worker keeps one user's pages for offline use (Cache Storage, named
   "rehab-athlete-..."); they are deleted here, before anyone logs in. Logs waiting to be sent
   are kept elsewhere (localStorage, per user) and are not touched. */
(function () {
  "use strict";
  if (!("caches" in window)) return;
  caches
    .keys()
    .then(function (keys) {
      return Promise.all(
        keys
          .filter(function (key) {
            return key.indexOf("rehab-athlete-") === 0;
          })
          .map(function (key) {
            return caches.delete(key);
          })
      );
    })
    .catch(function () {
      /* no cache storage (a private window): nothing kept to forget */
    });
})();
