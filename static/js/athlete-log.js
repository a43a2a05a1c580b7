/* The daily log form: sends in the background and, without a connection, keeps the log on this
   phone (window.rehabOutbox, athlete.js) until it can be sent. Without JavaScript the form posts
   as usual. */
(function () {
  "use strict";

  var form = document.getElementById("log-form");
  var outbox = window.rehabOutbox;
  if (!form || !outbox) return;
  var savedPanel = document.getElementById("saved-offline");
  var clientErrors = document.getElementById("client-errors");

  function isoDay(d) {
    var m = String(d.getMonth() + 1).padStart(2, "0");
    var day = String(d.getDate()).padStart(2, "0");
    return d.getFullYear() + "-" + m + "-" + day;
  }

  /* The day this log is for. A today-form kept by the service worker may be from an earlier
     day: without a connection, today's form means this phone's today. */
  function logDate() {
    var date = form.dataset.date;
    if (form.dataset.mode === "today" && navigator.onLine === false) {
      var local = isoDay(new Date());
      if (local > date) date = local;
    }
    return date;
  }

  function urlFor(date) {
    var action = new URL(form.action, window.location.href);
    if (date === form.dataset.date) return action.pathname;
    return action.pathname.replace(/\d{4}-\d{2}-\d{2}\/$/, date + "/");
  }

  function entries() {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") out.push([name, String(value)]);
    });
    return out;
  }

  function checked(name) {
    return !!form.querySelector('input[name="' + name + '"]:checked');
  }

  /* The questions the server insists on, checked here when the server can't be asked. */
  function missing() {
    var out = [];
    var active = (form.elements.activity || {}).value !== "rest";
    [
      ["pain_rest", "Pain at rest", true],
      ["pain_during", "Pain during activity", active],
      ["pain_after", "Pain after activity", active],
      ["pain_character", "What was the pain like?", true],
      ["night_pain", "Did pain wake you last night?", true],
      ["rpe", "How hard was it?", active]
    ].forEach(function (rule) {
      if (rule[2] && form.querySelector('input[name="' + rule[0] + '"]') && !checked(rule[0])) {
        out.push(rule);
      }
    });
    if (active && form.elements.minutes && !form.elements.minutes.value) {
      out.push(["minutes", "Minutes", true]);
    }
    return out;
  }

  function showMissing(list) {
    clientErrors.innerHTML = "";
    var title = document.createElement("h2");
    title.textContent = "Please answer " + list.length + " more question" + (list.length > 1 ? "s" : "");
    var ul = document.createElement("ul");
    list.forEach(function (rule) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#group-" + rule[0];
      a.textContent = rule[1];
      li.appendChild(a);
      ul.appendChild(li);
    });
    clientErrors.appendChild(title);
    clientErrors.appendChild(ul);
    clientErrors.hidden = false;
    clientErrors.focus();
  }

  /* The stop the server would give (red flags from one day's log), said on the phone while the
     log waits offline: pain at or above the plan's red limit during or after impact work, sharp
     pain, night pain. The page carries the limit, the phase's impact and the team to call. */
  function offlineStop() {
    var box = document.getElementById("offline-stop");
    if (!box) return;
    var data = new FormData(form);
    var limit = parseInt(box.dataset.redLimit, 10);
    var nonImpact = (box.dataset.nonImpact || "").split(" ");
    var activity = data.get("activity") || "";
    var impact = activity && nonImpact.indexOf(activity) === -1;
    if (!impact && box.dataset.impactPhase === "1") impact = !activity || activity === "rest";
    var pains = ["pain_during", "pain_after"].map(function (name) {
      var value = parseInt(data.get(name), 10);
      return isNaN(value) ? -1 : value;
    });
    var worst = Math.max.apply(null, pains);
    var reasons = [];
    if (impact && worst >= limit) {
      reasons.push("You reported pain of " + worst + "/10 with impact work (your plan's limit is " + limit + "/10).");
    }
    if (data.get("pain_character") === "sharp") reasons.push("You reported sharp pain.");
    if (data.get("night_pain") === "yes") reasons.push("You reported pain at night.");
    box.hidden = !reasons.length;
    box.querySelector("[data-offline-reason]").textContent = reasons.join(" ");
  }

  function keepOnPhone() {
    var date = logDate();
    outbox.put(date, urlFor(date), entries());
    offlineStop();
    form.hidden = true;
    if (clientErrors) clientErrors.hidden = true;
    savedPanel.hidden = false;
    savedPanel.focus();
    window.scrollTo(0, 0);
  }

  function nativeSubmit() {
    HTMLFormElement.prototype.submit.call(form);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (navigator.onLine === false) {
      var list = missing();
      if (list.length) showMissing(list);
      else keepOnPhone();
      return;
    }
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(
        function (response) {
          var path = new URL(response.url, window.location.href).pathname;
          if (response.ok && /\/saved\/$/.test(path)) {
            window.location.assign(response.url);
          } else if (response.redirected && path.indexOf("/login/") !== -1) {
            // Logged out meanwhile: keep the log, then log in; it is sent afterwards.
            keepOnPhone();
            window.location.assign(response.url);
          } else {
            // Something to correct: let the server show it as a page.
            nativeSubmit();
          }
        },
        function () {
          if (button) button.disabled = false;
          var list = missing();
          if (list.length) showMissing(list);
          else keepOnPhone();
        }
      );
  });

  /* A log of this day still waiting on the phone: show it, so nothing is typed twice. */
  function restore(item) {
    item.entries.forEach(function (pair) {
      var name = pair[0];
      var value = pair[1];
      var fields = form.querySelectorAll('[name="' + name + '"]');
      fields.forEach(function (field) {
        if (field.type === "radio" || field.type === "checkbox") field.checked = field.value === value;
        else if (field.type !== "hidden" || name === "next_morning_shown") field.value = value;
      });
    });
  }

  var waiting = outbox.get(form.dataset.date);
  if (waiting) {
    restore(waiting);
    var note = document.createElement("p");
    note.className = "notice";
    note.id = "waiting-note";
    note.textContent =
      "This log is saved on this phone and will be sent when you are back online. " +
      "Saving again replaces it.";
    form.parentNode.insertBefore(note, form);
  }

  document.addEventListener("rehab:sent", function (event) {
    if (event.detail.date !== logDate() && event.detail.date !== form.dataset.date) return;
    var waitingNote = document.getElementById("waiting-note");
    if (waitingNote) waitingNote.remove();
    if (!savedPanel || savedPanel.hidden) return;
    savedPanel.querySelector("h2").textContent = "Sent: logged";
    savedPanel.querySelector("p").innerHTML = "";
    var link = document.createElement("a");
    link.href = event.detail.url;
    link.textContent = "See what your log means for today";
    savedPanel.querySelector("p").appendChild(link);
  });
})();
