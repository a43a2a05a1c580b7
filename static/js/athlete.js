/* The athlete's app: installs the service worker, keeps logs made without signal on this phone
   (localStorage, per user) and sends them when the connection returns. The server records a
   log by its date and the day's session by a fixed id, so sending one twice changes nothing.
   The outbox holds one item a key: a daily log under its date ("2025-06-03"), another kind of
   entry under "<kind>:<date>" ("cycle:2025-06-03"), so the two never replace each other. */
(function () {
  "use strict";

  var script = document.currentScript;
  var config = {
    sw: script.dataset.sw,
    scope: script.dataset.scope,
    user: script.dataset.user,
    login: script.dataset.login,
    timeZone: script.dataset.timeZone,
    today: script.dataset.today,
    timeZoneUrl: script.dataset.timeZoneUrl,
    csrf: script.dataset.csrf
  };
  var KEY = "rehab.outbox." + (config.user || "anonymous");
  var syncing = false;

  function statusBox() {
    return document.getElementById("sync-status");
  }

  function say(text, ok, html) {
    var box = statusBox();
    if (!box) return;
    box.classList.toggle("is-ok", !!ok);
    if (!text && !html) {
      box.hidden = true;
      box.textContent = "";
      return;
    }
    box.hidden = false;
    if (html) box.innerHTML = html;
    else box.textContent = text;
  }

  /* "Tue 3 Jun" for a date or an outbox key ending in one ("cycle:2025-06-03"). */
  function dayName(iso) {
    var d = new Date(String(iso).slice(-10) + "T12:00:00");
    return d.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short" });
  }

  var KINDS = { cycle: "cycle log" };

  /* What an outbox key holds, for the notes: "Your log for Tue 3 Jun", "Your cycle log for ...". */
  function itemName(key) {
    var kind = String(key).indexOf(":") > 0 ? KINDS[String(key).split(":")[0]] || "entry" : "log";
    return "Your " + kind + " for " + dayName(key);
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  // --- the outbox -------------------------------------------------------------------------

  function read() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY) || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function write(box) {
    if (Object.keys(box).length) window.localStorage.setItem(KEY, JSON.stringify(box));
    else window.localStorage.removeItem(KEY);
    refreshNotes();
  }

  /* Keep one item a key (a day's log under its date, a cycle day under "cycle:<date>"); a later
     save of the same key replaces the earlier one. The item is sent as a form POST to url. */
  function put(date, url, entries) {
    var box = read();
    box[date] = { url: url, entries: entries, savedAt: new Date().toISOString(), state: "waiting" };
    write(box);
  }

  function remove(date) {
    var box = read();
    if (!box[date]) return;
    delete box[date];
    write(box);
  }

  function get(date) {
    return read()[date] || null;
  }

  /* The stop the log page said when it kept this log (its callout, as HTML), or "" for none:
     every page says it while the log waits, not only the page it was kept on. */
  function markStop(date, html) {
    var box = read();
    if (!box[date]) return;
    box[date].stop = html || "";
    write(box);
  }

  function waitingStops() {
    var box = read();
    return pending()
      .map(function (key) {
        return box[key].stop || "";
      })
      .filter(Boolean);
  }

  function pending() {
    return Object.keys(read()).sort();
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* The advice of a "Logged" page (its callouts: stop, take it easy, well done), as HTML. */
  function adviceFrom(html) {
    try {
      var doc = new DOMParser().parseFromString(html, "text/html");
      return Array.prototype.map.call(doc.querySelectorAll("section.callout"), function (node) {
        node.removeAttribute("id");
        return node.outerHTML;
      });
    } catch (e) {
      return [];
    }
  }

  function send(item) {
    var token = csrfToken();
    var body = new URLSearchParams();
    item.entries.forEach(function (pair) {
      if (pair[0] !== "csrfmiddlewaretoken") body.append(pair[0], pair[1]);
    });
    body.append("csrfmiddlewaretoken", token);
    return fetch(item.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token }
    }).then(
      function (response) {
        var path = new URL(response.url, window.location.href).pathname;
        if (response.ok && /\/saved\/$/.test(path)) {
          // The "Logged" page answers with what the log means (stop, take it easy...): keep it.
          return response.text().then(
            function (html) {
              return { state: "sent", url: response.url, advice: adviceFrom(html) };
            },
            function () {
              return { state: "sent", url: response.url, advice: [] };
            }
          );
        }
        if (config.login && path.indexOf(config.login) === 0) return { state: "login" };
        // Saved and answered by its own page again (post, redirect, get: the cycle log).
        if (response.ok && response.redirected && path === new URL(item.url, window.location.href).pathname) {
          return { state: "sent", url: response.url, advice: [] };
        }
        if (response.status === 400) return { state: "invalid" };
        if (response.status === 404) return { state: "rejected" };
        return { state: "retry" };
      },
      function () {
        return { state: "offline" };
      }
    );
  }

  /* Send every waiting log, oldest first; stop at the first sign of no connection. */
  function sync() {
    if (syncing || !pending().length) return Promise.resolve();
    if (navigator.onLine === false) {
      refreshNotes();
      return Promise.resolve();
    }
    syncing = true;
    var dates = pending();
    var sent = [];
    var advice = [];
    var problem = null;

    function next(i) {
      if (i >= dates.length) return Promise.resolve();
      var date = dates[i];
      var item = get(date);
      if (!item) return next(i + 1);
      return send(item).then(function (result) {
        var box = read();
        if (result.state === "sent" || result.state === "rejected") {
          delete box[date];
          write(box);
          if (result.state === "sent") {
            sent.push(date);
            advice = advice.concat(result.advice || []);
            document.dispatchEvent(
              new CustomEvent("rehab:sent", {
                detail: { date: date, url: result.url, advice: result.advice || [] }
              })
            );
          } else {
            problem = itemName(date) + " could not be kept: it is too old to send.";
          }
          return next(i + 1);
        }
        if (box[date]) {
          box[date].state = result.state;
          write(box);
        }
        if (result.state === "invalid" && date.indexOf(":") > 0) {
          // Not a daily log (a cycle day the server refuses: in the future, the log turned
          // off): there is no form to correct it on, so it is dropped, and the athlete told.
          delete box[date];
          write(box);
          problem = itemName(date) + " could not be saved: please check it and enter it again.";
          return next(i + 1);
        }
        if (result.state === "invalid") {
          problem = "invalid:" + date;
          return next(i + 1);
        }
        problem = result.state;
        return null; // offline, login or a server error: try again later
      });
    }

    return next(0).then(function () {
      syncing = false;
      if (problem === "login") {
        say(
          null,
          false,
          'A log is saved on this phone. <a href="' +
            config.login +
            "?next=" +
            encodeURIComponent(window.location.pathname) +
            '">Log in again</a> to send it.'
        );
      } else if (problem && problem.indexOf("invalid:") === 0) {
        var date = problem.slice(8);
        say(
          null,
          false,
          "Your saved log for " +
            escapeHtml(dayName(date)) +
            ' needs a correction. <a href="' +
            escapeHtml(get(date) ? get(date).url : config.scope) +
            '">Open it</a>.'
        );
      } else if (problem === "offline" || problem === "retry") {
        refreshNotes();
      } else if (problem) {
        say(problem);
      } else if (sent.length) {
        var text =
          (sent.length === 1 ? itemName(sent[0]) : sent.length + " logs") +
          " saved on this phone " +
          (sent.length === 1 ? "was" : "were") +
          " sent. Thank you!";
        if (!advice.length) {
          say(text, true);
        } else {
          // What the log means goes with it: a stop is never hidden behind "thank you".
          var stop = advice.some(function (html) {
            return html.indexOf("callout-stop") !== -1;
          });
          say(null, !stop, '<p class="sent-line">' + escapeHtml(text) + "</p>" + advice.join(""));
          var box = statusBox();
          if (box) box.setAttribute("role", stop ? "alert" : "status");
        }
      }
    });
  }

  /* The notes that say a log is waiting on this phone. */
  function refreshNotes() {
    var waiting = pending();
    var text = "";
    if (waiting.length) {
      text =
        (waiting.length === 1 ? itemName(waiting[0]) + " is" : waiting.length + " logs are") +
        " saved on this phone and will be sent when you are back online.";
    }
    document.querySelectorAll("[data-outbox-note]").forEach(function (note) {
      note.hidden = !text;
      note.textContent = text;
    });
    var box = statusBox();
    var stops = waitingStops();
    var shown = document.getElementById("offline-stop"); // the log page that kept it says it
    if (box && stops.length && !box.querySelector(".sent-line") && !(shown && !shown.hidden)) {
      // A log kept on this phone says stop: until it is sent (and the page comes from the
      // server again), every page says so first, above what it showed before the log.
      say(
        null,
        false,
        '<p class="waiting-line">' +
          escapeHtml(text) +
          " What this page shows below is from before it.</p>" +
          stops[stops.length - 1]
      );
      box.setAttribute("role", "alert");
      return;
    }
    if (box && !box.classList.contains("is-ok") && !box.querySelector("a, .callout")) {
      if (navigator.onLine === false) {
        say("You are offline: pages may be out of date." + (text ? " " + text : ""));
      } else if (text) {
        say(text);
      } else {
        say("");
      }
    }
  }

  window.rehabOutbox = {
    put: put,
    get: get,
    markStop: markStop,
    remove: remove,
    pending: pending,
    sync: sync,
    dayName: dayName,
    itemName: itemName
  };

  // --- leaving: nothing personal stays cached after logging out -----------------------------

  function forgetCachedPages() {
    return window.rehabForgetPages ? window.rehabForgetPages() : Promise.resolve();
  }

  document.querySelectorAll('form[action$="/logout/"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.cleared) return;
      event.preventDefault();
      form.dataset.cleared = "1";
      forgetCachedPages().then(
        function () {
          form.submit();
        },
        function () {
          form.submit();
        }
      );
    });
  });

  // --- the phone's time zone: the athlete's "today" is where they are -----------------------

  /* The page says which time zone the server holds for this athlete; when the phone's differs
     (a first visit, a trip), the phone's is sent. If that moves today to another date, the page
     is reloaded for it, unless the athlete has started typing on it. */
  function phoneTimeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return "";
    }
  }

  function syncTimeZone() {
    var zone = phoneTimeZone();
    if (!config.timeZoneUrl || !zone || zone === config.timeZone || navigator.onLine === false) return;
    var body = new URLSearchParams();
    body.append("time_zone", zone);
    body.append("csrfmiddlewaretoken", config.csrf || csrfToken());
    fetch(config.timeZoneUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": config.csrf || csrfToken(), Accept: "application/json" }
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        config.timeZone = data.time_zone;
        document.querySelectorAll("[data-zone-name]").forEach(function (node) {
          node.textContent = data.time_zone;
        });
        var typing = document.querySelector("form[data-touched]");
        if (data.today && config.today && data.today !== config.today && !typing) {
          window.location.reload();
        }
      })
      .catch(function () {
        /* offline or refused: the clinic's time zone stays until the next page */
      });
  }

  document.addEventListener("input", function (event) {
    var form = event.target && event.target.form;
    if (form) form.dataset.touched = "1";
  });

  // --- start ----------------------------------------------------------------------------

  if ("serviceWorker" in navigator && config.sw && config.user) {
    // Whose page this is: the worker keeps one user's pages and forgets them for another's.
    if (navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "user", user: String(config.user) });
    }
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(config.sw, { scope: config.scope }).catch(function () {
        /* the pages work without it; only offline use needs it */
      });
    });
  }
  window.addEventListener("online", function () {
    say("");
    sync();
  });
  window.addEventListener("offline", refreshNotes);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sync();
  });
  window.setInterval(sync, 30000);
  refreshNotes();
  sync();
  syncTimeZone();
})();
