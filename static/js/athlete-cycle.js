/* The cycle log without signal: a start day that cannot be sent waits on this phone
   (localStorage, per user) and is sent when the connection returns. The server keeps one entry
   per day, so sending a day twice changes nothing. */
(function () {
  "use strict";
  var script = document.currentScript;
  var KEY = "rehab.cycle." + (script.dataset.user || "anonymous");
  var status = document.getElementById("cycle-waiting");

  function read() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]") || []; } catch (e) { return []; }
  }
  function write(days) {
    if (days.length) window.localStorage.setItem(KEY, JSON.stringify(days));
    else window.localStorage.removeItem(KEY);
    if (!status) return;
    status.hidden = !days.length;
    status.textContent = days.length ? "Saved on this phone, sent when you are back online: " + days.join(", ") : "";
  }
  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function post(day) {
    var body = new URLSearchParams();
    body.append("started_on", day);
    body.append("csrfmiddlewaretoken", token());
    return fetch(window.location.pathname, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok || r.status === 400; }, function () { return false; });
  }
  function flush() {
    var days = read();
    if (!days.length || !navigator.onLine) { write(days); return; }
    var left = [];
    days.reduce(function (p, day) {
      return p.then(function () { return post(day).then(function (ok) { if (!ok) left.push(day); }); });
    }, Promise.resolve()).then(function () {
      write(left);
      if (!left.length) window.location.reload();
    });
  }
  document.querySelectorAll("[data-cycle-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return; // the ordinary post
      event.preventDefault();
      var day = form.querySelector("[name=started_on]").value;
      if (!day) return;
      var days = read();
      if (days.indexOf(day) < 0) days.push(day);
      write(days);
    });
  });
  window.addEventListener("online", flush);
  flush();
})();
