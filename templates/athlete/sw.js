/* rehab athlete app: service worker (served from {{ scope }}sw.js so that it covers {{ scope }}).
   The app shell (styles, scripts, icons) is cached first; athlete pages are fetched from the
   network first and kept for offline use; nothing else is touched. Logs made offline are kept
   by the page itself (static/js/athlete.js), not here.
   The pages kept are one user's: each page says whose it is (the {{ user_header }} header, and
   the page's script tells the worker too); a page of another user (someone else logging in on
   this phone) clears the kept pages first, so nobody is shown another user's pages offline.
   The offline page is nobody's and stays. */
"use strict";

const CACHE = "{{ cache_name }}";
const SHELL = {{ shell|safe }};
const PAGES = {{ pages|safe }};
const OFFLINE = "{{ offline }}";
const SCOPE = "{{ scope }}";
const STATIC = "{{ static_prefix }}";
const LOGIN = "{{ login }}";
const USER_HEADER = "{{ user_header }}";
const WHO = SCOPE + "sw-user"; // the cache's note of whose pages it holds (not a page)

/* The pages kept ahead of need (today, the log, the offline page), as the logged-in user's. */
async function keepPages(cache) {
  for (const url of PAGES) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok || response.redirected) continue;
      if (url === OFFLINE) {
        await cache.put(url, response);
      } else if (await forUser(cache, response.headers.get(USER_HEADER))) {
        await cache.put(url, response);
      }
    } catch (error) {
      /* offline: the pages are kept on the next visit */
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL);
      await keepPages(cache);
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("rehab-athlete-") && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })()
  );
});

function keepable(url) {
  return url.pathname.startsWith(SCOPE) && !url.pathname.endsWith("/saved/") && !url.search;
}

async function forgetPages(cache) {
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith(SCOPE) && path !== OFFLINE) await cache.delete(request);
  }
}

/* Make the kept pages the given user's: pages of another user are forgotten first. False for
   a page that says no user (it is not kept), NEW for a user whose pages are not kept yet (the
   caller keeps them again, ``keepAgain``, within its event), true otherwise. */
const NEW = "new";

async function forUser(cache, user) {
  if (!user) return false;
  const kept = await cache.match(WHO);
  if (!kept || (await kept.text()) !== user) {
    await forgetPages(cache);
    await cache.put(WHO, new Response(user, { headers: { "Content-Type": "text/plain" } }));
    return NEW;
  }
  return true;
}

/* A new user (or a cache the login page emptied): the shell and this user's pages are kept
   again, so the log opens offline as after an install. */
async function keepAgain(cache) {
  try {
    await cache.addAll(SHELL);
    await keepPages(cache);
  } catch (error) {
    /* offline: the pages are kept on the next visit */
  }
}

async function networkFirst(request, event) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (response.redirected && new URL(response.url).pathname.startsWith(LOGIN)) {
      await forgetPages(cache); // logged out: nothing personal stays on the phone
    } else {
      const whose = await forUser(cache, response.headers.get(USER_HEADER));
      if (whose === NEW) event.waitUntil(keepAgain(cache)); // after the page, not before it
      if (whose && response.ok && !response.redirected && keepable(url)) {
        await cache.put(url.pathname, response.clone());
      }
    }
    return response;
  } catch (error) {
    const kept = (await cache.match(url.pathname)) || (await cache.match(OFFLINE));
    return kept || new Response("You are offline.", { status: 503, headers: { "Content-Type": "text/plain" } });
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/* A page tells whose it is as it opens ({type: "user", user: "<id>"}). */
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "user" && typeof data.user === "string" && data.user) {
    event.waitUntil(
      caches.open(CACHE).then(async (cache) => {
        if ((await forUser(cache, data.user)) === NEW) await keepAgain(cache);
      })
    );
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith(SCOPE)) {
    event.respondWith(networkFirst(request, event));
  } else if (url.pathname.startsWith(STATIC)) {
    event.respondWith(cacheFirst(request));
  }
});

/* Web Push: the daily reminder, a message from the care team, the team's response to a red
   flag. The payload is {title, body, url, tag}; a tap opens (or focuses) the app at url. */
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const url = typeof data.url === "string" && data.url.startsWith(SCOPE) ? data.url : SCOPE;
  event.waitUntil(
    self.registration.showNotification(data.title || "rehab", {
      body: data.body || "",
      tag: data.tag || undefined,
      icon: STATIC + "athlete/icon-192.png",
      badge: STATIC + "athlete/icon-192.png",
      data: { url: url }
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || SCOPE;
  event.waitUntil(
    (async () => {
      const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of open) {
        if (new URL(client.url).pathname.startsWith(SCOPE) && "focus" in client) {
          await client.navigate(url);
          return client.focus();
        }
      }
      return self.clients.openWindow(url);
    })()
  );
});
