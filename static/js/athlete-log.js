/* The daily log form: the day's sessions (add, fill from a one-tap suggestion, remove), sending
   in the background and, without a connection, keeping the log on this phone
   (window.rehabOutbox, athlete.js) until it can be sent. Without JavaScript the form posts as
   usual, with one session row. */
(function () {
  "use strict";

  var outbox = window.rehabOutbox;
  var form, savedPanel, clientErrors, rows, total, template;
  var sentBound = false;

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

  function checkedIn(root, name) {
    return root.querySelector('input[name="' + name + '"]:checked');
  }

  /* --- the day's sessions ------------------------------------------------------------------ */

  function field(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }

  function token() {
    if (window.crypto && window.crypto.getRandomValues) {
      var bytes = new Uint8Array(6);
      window.crypto.getRandomValues(bytes);
      return Array.prototype.map.call(bytes, function (b) {
        return b.toString(16).padStart(2, "0");
      }).join("");
    }
    return Math.random().toString(16).slice(2, 14);
  }

  function allRows() {
    return rows ? Array.prototype.slice.call(rows.querySelectorAll("[data-session]")) : [];
  }

  function removed(row) {
    var box = field(row, "DELETE");
    return !!(box && box.checked);
  }

  /* A row that is a session: filled in (anything but its key) and not removed. */
  function filled(row) {
    if (removed(row)) return false;
    return Array.prototype.some.call(row.querySelectorAll("input, select"), function (el) {
      if (el.type === "hidden" || el.type === "checkbox") return false;
      if (el.type === "radio") return el.checked;
      return el.value !== "";
    });
  }

  function keptRows() {
    return allRows().filter(filled);
  }

  function renumber() {
    var n = 0;
    allRows().forEach(function (row) {
      row.hidden = removed(row);
      if (!row.hidden) {
        n += 1;
        row.querySelector("[data-session-number]").textContent = n;
      }
    });
    var add = form.querySelector("[data-add-session]");
    if (add) add.textContent = n ? "+ Add another session" : "+ Add a session";
  }

  function showImpact(row) {
    var impact = (rows.dataset.impact || "").split(" ");
    var activity = field(row, "activity").value;
    row.classList.toggle("is-impact", impact.indexOf(activity) !== -1);
  }

  function enhanceRow(row) {
    showImpact(row);
    field(row, "activity").addEventListener("change", function () {
      showImpact(row);
    });
    var box = field(row, "DELETE");
    if (box) {
      box.addEventListener("change", function () {
        renumber();
        if (box.checked) removedNotice(row, box);
      });
    }
  }

  /* A removed session leaves a line in its place, with Undo, where the thumb was: the page
     does not jump, and a slip is one tap to take back. */
  function removedNotice(row, box) {
    var activity = field(row, "activity");
    var minutes = field(row, "minutes");
    var what = activity && activity.selectedIndex > 0 ? activity.options[activity.selectedIndex].text : "Session";
    if (minutes && minutes.value) what += ", " + minutes.value + " min";
    var notice = document.createElement("p");
    notice.className = "session-removed";
    notice.setAttribute("role", "status");
    notice.appendChild(document.createTextNode(what + ": removed when you save. "));
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "link";
    undo.textContent = "Undo";
    undo.addEventListener("click", function () {
      box.checked = false;
      notice.remove();
      renumber();
      if (activity) activity.focus();
    });
    notice.appendChild(undo);
    row.parentNode.insertBefore(notice, row);
    undo.focus({ preventScroll: true });
  }

  function addRow() {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    field(row, "key").value = "web-" + rows.dataset.day + "-" + token();
    rows.appendChild(row);
    total.value = String(index + 1);
    enhanceRow(row);
    renumber();
    return row;
  }

  function emptyRow() {
    return allRows().filter(function (row) { return !row.hidden && !filled(row); })[0];
  }

  function setRestDay(rest) {
    var box = form.elements.rest_day;
    var training = form.querySelector(".if-training");
    if (box) box.checked = rest;
    if (rest) {
      // A rest day has no sessions: the rows filled so far are taken off (kept, to untick).
      allRows().forEach(function (row) {
        var del = field(row, "DELETE");
        if (filled(row) && del) del.checked = true;
      });
    } else if (!emptyRow() && !keptRows().length) {
      addRow();
    }
    if (training) training.hidden = rest;
    renumber();
  }

  // The day's pain during activity is at least a session's pain during it (the rules read the
  // worst of the two): a session rated above it raises it, and says so beside it.
  function raiseDayPain(value) {
    var day = checkedIn(form, "pain_during");
    if (day && Number(day.value) >= value) return;
    var radio = form.querySelector('input[name="pain_during"][value="' + value + '"]');
    if (!radio) return;
    radio.checked = true;
    var group = radio.closest("fieldset") || radio.parentNode;
    var note = group.querySelector("[data-raised]");
    if (!note) {
      note = document.createElement("p");
      note.className = "hint";
      note.setAttribute("data-raised", "");
      note.setAttribute("role", "status");
      group.appendChild(note);
    }
    note.textContent = "Set to " + value + ": the pain you gave for a session today.";
  }

  function enhanceSessions() {
    rows = form.querySelector("[data-sessions]");
    template = document.getElementById("session-template");
    total = form.querySelector('input[name="s-TOTAL_FORMS"]');
    if (!rows || !template || !total) return;
    rows.classList.add("enhanced");
    allRows().forEach(enhanceRow);
    form.querySelectorAll("[data-quick-adds], [data-add-session]").forEach(function (el) {
      el.hidden = false;
    });
    form.querySelector("[data-add-session]").addEventListener("click", function () {
      setRestDay(false);
      field(emptyRow() || addRow(), "activity").focus();
    });
    form.querySelectorAll("[data-quick-add]").forEach(function (button) {
      button.addEventListener("click", function () {
        setRestDay(false);
        var row = emptyRow() || addRow();
        field(row, "activity").value = button.dataset.activity;
        field(row, "minutes").value = button.dataset.minutes;
        // A run of the run-walk programme is logged at its stage (finished or not: the
        // athlete says).
        var stage = field(row, "programme_stage");
        if (stage && button.dataset.programmeStage) stage.value = button.dataset.programmeStage;
        showImpact(row);
        var effort = row.querySelector(".seg-group");
        if (effort) effort.scrollIntoView({ block: "center" });
      });
    });
    if (form.elements.rest_day) {
      form.elements.rest_day.addEventListener("change", function () {
        setRestDay(form.elements.rest_day.checked);
      });
      if (form.elements.rest_day.checked) setRestDay(true);
    }
    // Pain rated above 0 while "No pain" is ticked: untick it, so the athlete says what the
    // pain was like instead of meeting the server's refusal after saving.
    form.addEventListener("change", function (event) {
      var name = event.target.name;
      if (/-pain_during$/.test(name) && event.target.closest("[data-session]")) {
        raiseDayPain(Number(event.target.value));
        name = "pain_during";
      }
      if (["pain_rest", "pain_during", "pain_after"].indexOf(name) < 0) return;
      var none = form.querySelector('input[name="pain_character"][value="none"]');
      if (none && none.checked && Number(event.target.value) > 0) none.checked = false;
    });
    // A number filled in by a suggestion is replaced by what is typed, not added to ("3030").
    form.addEventListener("focusin", function (event) {
      if (event.target.hasAttribute && event.target.hasAttribute("data-select-on-focus")) {
        event.target.select();
      }
    });
    renumber();
  }

  /* --- what the server insists on, checked here when the server can't be asked ------------- */

  function missing() {
    var out = [];
    var sessions = keptRows();
    var rest = form.elements.rest_day && form.elements.rest_day.checked;
    var trained = sessions.length > 0;
    [
      ["pain_rest", "Pain at rest", true],
      ["pain_during", "Pain during activity", trained],
      ["pain_after", "Pain after activity", trained],
      ["pain_character", "What was the pain like?", true],
      ["night_pain", "Did pain wake you last night?", true]
    ].forEach(function (rule) {
      if (rule[2] && form.querySelector('input[name="' + rule[0] + '"]') && !checkedIn(form, rule[0])) {
        out.push(["group-" + rule[0], rule[1]]);
      }
    });
    if (!trained && !rest) out.push(["group-rest_day", "Add what you did today, or tap Rest day"]);
    sessions.forEach(function (row, i) {
      var what = "Session " + (i + 1) + ": ";
      if (!field(row, "activity").value) out.push([row.id, what + "what you did"]);
      if (!field(row, "minutes").value) out.push([row.id, what + "minutes"]);
      if (!checkedIn(row, field(row, "rpe").name)) out.push([row.id, what + "how hard it was"]);
      // A run of the run-walk programme (its stage given) counts only once it is said whether
      // it was finished, as the server insists.
      var stage = field(row, "programme_stage");
      var done = field(row, "completion");
      if (stage && stage.value && done && !done.value) {
        out.push([row.id, what + "whether you finished this session"]);
      }
    });
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
      a.href = "#" + rule[0];
      a.textContent = rule[1];
      li.appendChild(a);
      ul.appendChild(li);
    });
    clientErrors.appendChild(title);
    clientErrors.appendChild(ul);
    clientErrors.hidden = false;
    clientErrors.focus();
  }

  function painOf(root, name) {
    var box = checkedIn(root, name);
    var value = box ? parseInt(box.value, 10) : NaN;
    return isNaN(value) ? -1 : value;
  }

  /* The stop the server would give (red flags from one day's log), said on the phone while the
     log waits offline: pain at or above the plan's red limit during or after impact work, sharp
     pain, night pain and, at a high-risk site, pain above the phase's limits or lasting too long
     after activity. The page carries the limits, the phase's impact and the team to call. */
  function offlineStop() {
    var box = document.getElementById("offline-stop");
    if (!box) return null;
    var limit = parseInt(box.dataset.redLimit, 10);
    var nonImpact = (box.dataset.nonImpact || "").split(" ");
    var sessions = keptRows();
    var impact = sessions.some(function (row) {
      return nonImpact.indexOf(field(row, "activity").value) === -1;
    });
    if (!sessions.length && box.dataset.impactPhase === "1") impact = true;
    var pains = [painOf(form, "pain_during"), painOf(form, "pain_after")];
    sessions.forEach(function (row) {
      pains.push(painOf(row, field(row, "pain_during").name));
    });
    var worst = Math.max.apply(null, pains);
    var reasons = [];
    if (impact && worst >= limit) {
      reasons.push("You reported pain of " + worst + "/10 with impact work: at " + limit + "/10 or more, your plan says stop.");
    }
    if (checkedIn(form, "pain_character") && checkedIn(form, "pain_character").value === "sharp") {
      reasons.push("You reported sharp pain.");
    }
    if (checkedIn(form, "night_pain") && checkedIn(form, "night_pain").value === "yes") {
      reasons.push("You reported pain at night.");
    }
    reasons = reasons.concat(redRuleReasons(box, pains));
    box.hidden = !reasons.length;
    box.querySelector("[data-offline-reason]").textContent = reasons.join(" ");
    return reasons.length ? box : null;
  }

  var PAIN_WORDS = { rest: "pain at rest", during: "pain during activity", after: "pain after activity", any: "pain" };

  /* The phase's pain rules that are red flags for this athlete (a high-risk site): a rating
     above a limit, pain lasting too long after activity. ``activityPains`` are the day's pain
     during and after activity and each session's pain during it. */
  function redRuleReasons(box, activityPains) {
    var rules;
    try {
      rules = JSON.parse(box.dataset.redRules || "{}");
    } catch (e) {
      return [];
    }
    var out = [];
    var above = rules.above || {};
    var sessions = activityPains.slice(2);
    var values = {
      rest: [painOf(form, "pain_rest")],
      during: [activityPains[0]].concat(sessions),
      after: [activityPains[1]],
    };
    values.any = values.rest.concat(values.during, values.after);
    Object.keys(above).forEach(function (name) {
      var worst = Math.max.apply(null, values[name] || [-1]);
      if (worst > above[name]) {
        out.push("You reported " + PAIN_WORDS[name] + " of " + worst + "/10: above " + above[name] + "/10, your plan says stop.");
      }
    });
    var lasted = form.elements.pain_lasted_hours ? parseFloat(form.elements.pain_lasted_hours.value) : NaN;
    if (rules.lasted_hours !== null && rules.lasted_hours !== undefined && !isNaN(lasted) && lasted >= rules.lasted_hours) {
      out.push("You reported pain lasting " + lasted + " hours after activity.");
    }
    return out;
  }

  /* --- sending ----------------------------------------------------------------------------- */

  function keepOnPhone() {
    var date = logDate();
    outbox.put(date, urlFor(date), entries());
    var stop = offlineStop();
    if (stop && outbox.markStop) {
      var copy = stop.cloneNode(true);
      ["id", "hidden", "aria-labelledby"].forEach(function (name) {
        copy.removeAttribute(name);
      });
      Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (node) {
        node.removeAttribute("id");
      });
      outbox.markStop(date, copy.outerHTML);
    }
    form.hidden = true;
    if (clientErrors) clientErrors.hidden = true;
    savedPanel.hidden = false;
    var already = document.querySelector("[data-logged-already]");
    if (already) already.hidden = true; // the saved panel says what happened to this day now
    savedPanel.focus();
    window.scrollTo(0, 0);
  }

  function nativeSubmit() {
    HTMLFormElement.prototype.submit.call(form);
  }

  /* The server's page (a refused log, with its error summary) in place of this one: the log is
     not posted a second time to show it. */
  function showPage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var current = document.querySelector("main");
    if (!fresh || !current) {
      nativeSubmit();
      return;
    }
    current.replaceWith(document.importNode(fresh, true));
    if (doc.title) document.title = doc.title;
    init();
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.scrollIntoView();
      summary.focus();
    }
  }

  function onSubmit(event) {
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
          } else if (response.status === 400) {
            response.text().then(showPage, nativeSubmit);
          } else {
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
  }

  /* A log of this day still waiting on the phone: show it, so nothing is typed twice. Its
     session rows (and their keys, so that saving again updates the same sessions) come back
     as they were. */
  function restore(item) {
    var count = item.entries.filter(function (pair) { return pair[0] === "s-TOTAL_FORMS"; })[0];
    if (count && total) {
      while (parseInt(total.value, 10) < parseInt(count[1], 10)) addRow();
    }
    item.entries.forEach(function (pair) {
      var name = pair[0];
      var value = pair[1];
      form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === value;
        else if (el.type !== "hidden" || name === "next_morning_shown" || /^s-/.test(name)) {
          el.value = value;
        }
      });
    });
    allRows().forEach(showImpact);
    if (form.elements.rest_day && form.elements.rest_day.checked) setRestDay(true);
    renumber();
  }

  function onSent(event) {
    if (!form) return;
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
  }

  function init() {
    form = document.getElementById("log-form");
    if (!form || !outbox) return;
    savedPanel = document.getElementById("saved-offline");
    clientErrors = document.getElementById("client-errors");
    enhanceSessions();
    form.addEventListener("submit", onSubmit);

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
    if (!sentBound) {
      document.addEventListener("rehab:sent", onSent);
      sentBound = true;
    }
  }

  init();
})();
