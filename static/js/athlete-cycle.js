/* The cycle log without signal. A start day that cannot be sent goes into the app's outbox
   (window.rehabOutbox, athlete.js) under "cycle:<date>", beside the daily logs and never in
   place of the log of that date, and is sent with them when the connection returns; the page
   says it is waiting, as the Today page does. The server keeps one entry a day, so a day sent
   twice is one entry. Without JavaScript the forms post as usual. */
(function () {
  "use strict";

  var outbox = window.rehabOutbox;
  var script = document.currentScript;
  var PREFIX = "cycle:";
  var bound = false;
  if (!outbox) return;

  function isoDay(d) {
    var m = String(d.getMonth() + 1).padStart(2, "0");
    var day = String(d.getDate()).padStart(2, "0");
    return d.getFullYear() + "-" + m + "-" + day;
  }

  function pagePath() {
    return window.location.pathname;
  }

  /* The day a form means. "Today" and "Yesterday" on a page the service worker kept from an
     earlier day mean this phone's today and yesterday once there is no connection to ask. */
  function dayOf(form) {
    var day = form.querySelector("[name=started_on]").value;
    var ago = form.dataset.cycleDaysAgo;
    if (ago !== undefined && navigator.onLine === false) {
      var d = new Date();
      d.setDate(d.getDate() - parseInt(ago, 10));
      var local = isoDay(d);
      if (local > day) day = local;
    }
    return day;
  }

  function waitingDays() {
    return outbox
      .pending()
      .filter(function (key) {
        return key.indexOf(PREFIX) === 0;
      })
      .map(function (key) {
        return key.slice(PREFIX.length);
      });
  }

  /* The days waiting on this phone, in the "Logged" list, marked as not yet sent. */
  function showWaiting() {
    var list = document.querySelector("[data-cycle-waiting-list]");
    if (!list) return;
    var days = waitingDays();
    list.innerHTML = "";
    list.hidden = !days.length;
    var empty = document.querySelector("[data-cycle-empty]");
    if (empty) empty.hidden = !!days.length;
    days.forEach(function (day) {
      var li = document.createElement("li");
      var when = document.createElement("span");
      when.textContent = outbox.dayName(day);
      var note = document.createElement("span");
      note.className = "waiting-tag";
      note.textContent = "waiting to send";
      li.appendChild(when);
      li.appendChild(note);
      list.appendChild(li);
    });
  }

  function keepOnPhone(day) {
    outbox.put(PREFIX + day, pagePath(), [["started_on", day]]);
    showWaiting();
  }

  function offlineNote(text) {
    var note = document.getElementById("cycle-offline-note");
    if (!note) return;
    note.hidden = !text;
    note.textContent = text || "";
  }

  /* The server's answer (the page again, with its message or what to fix) in place of this
     one, so that the day is not posted a second time to show it. */
  function showPage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var current = document.querySelector("main");
    if (!fresh || !current) return false;
    current.replaceWith(document.importNode(fresh, true));
    init();
    return true;
  }

  function onDay(event, form) {
    event.preventDefault();
    var day = dayOf(form);
    if (!day) return;
    if (navigator.onLine === false) {
      keepOnPhone(day);
      return;
    }
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var body = new FormData(form);
    body.set("started_on", day);
    fetch(form.action || pagePath(), { method: "POST", body: body, credentials: "same-origin" }).then(
      function (response) {
        var path = new URL(response.url, window.location.href).pathname;
        if (response.redirected && path.indexOf("/login/") !== -1) {
          keepOnPhone(day); // logged out meanwhile: kept, and sent once logged in again
          window.location.assign(response.url);
        } else if ((response.ok && path === pagePath()) || response.status === 400) {
          response.text().then(function (html) {
            if (!showPage(html)) window.location.reload();
          });
        } else {
          keepOnPhone(day); // a server error: kept and tried again later
          if (button) button.disabled = false;
        }
      },
      function () {
        keepOnPhone(day); // no connection after all
        if (button) button.disabled = false;
      }
    );
  }

  /* A cycle day sent from the outbox: the list and the count are the server's again. */
  function onSent(event) {
    if (String(event.detail.date).indexOf(PREFIX) !== 0) return;
    fetch(pagePath(), { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("cycle-list");
        var current = document.getElementById("cycle-list");
        if (fresh && current) current.replaceWith(document.importNode(fresh, true));
        showWaiting();
      })
      .catch(function () {
        /* offline again: the list is brought up to date on the next visit */
      });
  }

  /* Days kept by this page's earlier version (a list of its own, per user) join the outbox. */
  function adoptEarlierDays() {
    var key = "rehab.cycle." + (script.dataset.user || "anonymous");
    try {
      var days = JSON.parse(window.localStorage.getItem(key) || "[]") || [];
      days.forEach(function (day) {
        if (/^\d{4}-\d{2}-\d{2}$/.test(day)) outbox.put(PREFIX + day, pagePath(), [["started_on", day]]);
      });
      window.localStorage.removeItem(key);
    } catch (e) {
      /* nothing readable kept */
    }
  }

  function init() {
    document.querySelectorAll("[data-cycle-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        onDay(event, form);
      });
    });
    // Turning the log off and removing a day need the server: said plainly, not a browser error.
    document.querySelectorAll("main form[method=post]:not([data-cycle-form])").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (navigator.onLine !== false) return;
        event.preventDefault();
        offlineNote("You are offline: this needs a connection. Try again when you are back online.");
      });
    });
    showWaiting();
  }

  adoptEarlierDays();
  init();
  if (!bound) {
    document.addEventListener("rehab:sent", onSent);
    window.addEventListener("online", function () {
      offlineNote("");
    });
    bound = true;
  }
})();
