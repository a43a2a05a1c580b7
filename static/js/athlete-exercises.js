/* Today's exercise ticks: a tap shows at once, is kept on this phone (localStorage, per user)
   and sent in the background; without signal it waits and is sent when the connection returns.
   The server keeps one completion per exercise and day and a tick says "done" or "not done",
   so sending one twice changes nothing. */
(function () {
  "use strict";

  var list = document.querySelector("[data-exercises]");
  if (!list) return;
  var user = (document.querySelector("script[data-user]") || { dataset: {} }).dataset.user || "anonymous";
  var KEY = "rehab.ticks." + user;
  var note = document.querySelector("[data-tick-note]");
  var sending = false;
  var again = false; // a tick came while sending: send again once this round ends
  var stuck = false; // the last send found no connection or a server that did not answer

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
    refreshNote();
  }

  /* The note tells of ticks kept on this phone only when they wait for a connection: the
     phone is offline or the last send failed. A tick on its way to the server says nothing. */
  function refreshNote() {
    if (!note) return;
    var n = Object.keys(read()).length;
    if (!(stuck || navigator.onLine === false)) n = 0;
    note.hidden = !n;
    note.textContent = n
      ? (n === 1 ? "1 tick is" : n + " ticks are") + " saved on this phone and will be sent when you are back online."
      : "";
  }

  /* "n of m this week" on the row, and the week's total (each exercise counts at most its
     week's target), as they stand with the ticks shown: a tick made offline counts at once,
     and the server's answer, when it comes, has the last word (update). */
  function showCounts() {
    var rows = list.querySelectorAll("[data-exercise][data-week-done]");
    var total = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var done = Math.max(0, parseInt(row.dataset.weekDone, 10) || 0);
      total += Math.min(done, parseInt(row.dataset.weekTarget, 10) || 0);
      var line = row.querySelector("[data-week-line]");
      if (line) line.textContent = done + " of " + row.dataset.perWeek + " this week";
    });
    var shown = document.querySelector("[data-week-total]");
    if (shown) shown.textContent = shown.textContent.replace(/^\d+/, String(total));
  }

  function show(form, done) {
    var item = form.closest(".exercise");
    var button = form.querySelector("button");
    var was = button.getAttribute("aria-pressed") === "true";
    if (was !== done && item.dataset.weekDone !== undefined) {
      item.dataset.weekDone = String((parseInt(item.dataset.weekDone, 10) || 0) + (done ? 1 : -1));
      showCounts();
    }
    item.classList.toggle("is-done", done);
    button.setAttribute("aria-pressed", done ? "true" : "false");
    form.querySelector("[data-tick-label]").textContent = done ? "Done today" : "Mark as done";
    form.querySelector("input[name=done]").value = done ? "0" : "1";
  }

  function csrfToken(form) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    return form ? form.querySelector("input[name=csrfmiddlewaretoken]").value : "";
  }

  function post(item) {
    var token = csrfToken(document.querySelector("[data-tick-form]"));
    var body = new URLSearchParams();
    body.append("exercise", item.exercise);
    body.append("day", item.day);
    body.append("done", item.done ? "1" : "0");
    body.append("csrfmiddlewaretoken", token);
    return fetch(item.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" }
    }).then(
      function (response) {
        if (response.ok) {
          return response.json().then(function (data) {
            return { state: "sent", data: data };
          });
        }
        if (response.status === 400 || response.status === 404 || response.status === 403) {
          return { state: "rejected" };
        }
        return { state: "retry" };
      },
      function () {
        return { state: "offline" };
      }
    );
  }

  /* Send every waiting tick, oldest first; stop at the first sign of no connection. A tick
     made while a round is being sent (the round read the ticks as they were) starts another
     round when this one ends, rather than waiting for the next reason to send. */
  function flush() {
    if (navigator.onLine === false) return Promise.resolve();
    if (sending) {
      again = true;
      return Promise.resolve();
    }
    again = false;
    var keys = Object.keys(read()).sort(function (a, b) {
      return read()[a].at < read()[b].at ? -1 : 1;
    });
    if (!keys.length) return Promise.resolve();
    sending = true;
    function next(i) {
      if (i >= keys.length) return Promise.resolve();
      var item = read()[keys[i]];
      if (!item) return next(i + 1);
      return post(item).then(function (result) {
        if (result.state === "retry" || result.state === "offline") {
          stuck = true;
          return null;
        }
        stuck = false;
        var box = read();
        if (box[keys[i]] && box[keys[i]].at === item.at) delete box[keys[i]];
        write(box);
        if (result.state === "sent" && result.data) update(result.data);
        return next(i + 1);
      });
    }
    return next(0).then(function (stopped) {
      sending = false;
      refreshNote();
      // another round for a tick that came meanwhile, unless this one met no connection
      if (again && stopped !== null) return flush();
    });
  }

  function update(data) {
    var row = list.querySelector('[data-exercise="' + data.exercise + '"]');
    if (row && data.done_this_week !== undefined) row.dataset.weekDone = String(data.done_this_week);
    if (row && data.week_line) row.querySelector("[data-week-line]").textContent = data.week_line;
    var total = document.querySelector("[data-week-total]");
    if (total) total.textContent = data.week_done + " of " + data.week_prescribed;
  }

  list.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-tick-form]");
    if (!form) return;
    event.preventDefault();
    var done = form.querySelector("input[name=done]").value === "1";
    var item = {
      url: form.action,
      exercise: form.querySelector("input[name=exercise]").value,
      day: form.querySelector("input[name=day]").value,
      done: done,
      at: new Date().toISOString()
    };
    show(form, done);
    var box = read();
    box[item.day + "|" + item.exercise] = item; // a later tap of the same one replaces it
    write(box);
    flush();
  });

  /* A page kept offline may be older than the ticks waiting on this phone: show those. */
  var day = list.dataset.day;
  var box = read();
  Object.keys(box).forEach(function (key) {
    var item = box[key];
    if (item.day !== day) return;
    var form = list.querySelector('[data-exercise="' + item.exercise + '"] [data-tick-form]');
    if (form) show(form, item.done);
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", refreshNote);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") flush();
  });
  window.setInterval(flush, 30000);
  refreshNote();
  flush();
})();
