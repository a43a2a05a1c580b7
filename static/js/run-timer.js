/* The run-walk programme's interval timer on Today ([data-run-timer]), and on the daily log the
   session it opens, filled in (?activity=…&minutes=…&programme_stage=…&completion=…).
   Plain script, no network: cached by the athlete app's service worker, it works offline. Time
   is read from the clock (Date.now), so a phone that sleeps a tick loses nothing. At each change
   of interval the phone vibrates and beeps where it can, and a screen reader is told; nothing
   moves on the page, so reduced motion needs nothing more. */
(function () {
  "use strict";

  var WORDS = { run: "Run", walk: "Walk" };

  function clock(seconds) {
    seconds = Math.max(0, Math.ceil(seconds));
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function beep() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      var audio = beep.audio || (beep.audio = new Context());
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.2;
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (e) {
      /* no sound on this phone: the vibration and the words still tell */
    }
  }

  function signal() {
    if (navigator.vibrate) {
      try { navigator.vibrate([200, 100, 200]); } catch (e) { /* not allowed */ }
    }
    beep();
  }

  function timer(box) {
    var intervals = JSON.parse(box.dataset.intervals || "[]");
    var total = intervals.reduce(function (sum, i) { return sum + i[1]; }, 0);
    var q = function (name) { return box.querySelector("[data-timer-" + name + "]"); };
    var what = q("what"), left = q("left"), count = q("count"), announce = q("announce");
    var start = q("start"), reset = q("reset"), stop = q("stop");
    var before = 0, since = null, ticking = null, shown = -1, done = false;

    function elapsed() {
      return before + (since === null ? 0 : (Date.now() - since) / 1000);
    }

    function at(seconds) {
      var end = 0;
      for (var i = 0; i < intervals.length; i++) {
        end += intervals[i][1];
        if (seconds < end) return { index: i, left: end - seconds };
      }
      return null;
    }

    function finish() {
      done = true;
      pause();
      what.textContent = "Done!";
      left.textContent = "0:00";
      box.dataset.state = "done";
      announce.textContent = "Session finished. Opening your log.";
      signal();
      window.location.href = box.dataset.logUrl + "&completion=completed";
    }

    function draw() {
      var seconds = elapsed();
      var now = at(seconds);
      if (!now) { if (!done) finish(); return; }
      var kind = intervals[now.index][0];
      what.textContent = WORDS[kind] || kind;
      box.dataset.state = kind;
      left.textContent = clock(now.left);
      count.textContent = "Interval " + (now.index + 1) + " of " + intervals.length + " · " +
        clock(total - seconds) + " left in all";
      if (now.index !== shown) {
        if (shown !== -1) signal();
        announce.textContent = (WORDS[kind] || kind) + " for " + clock(intervals[now.index][1]);
        shown = now.index;
      }
    }

    function pause() {
      if (since !== null) before = elapsed();
      since = null;
      if (ticking) window.clearInterval(ticking);
      ticking = null;
      start.textContent = before > 0 && !done ? "Resume" : "Start";
    }

    start.addEventListener("click", function () {
      if (since !== null) { pause(); return; }
      if (done) return;
      since = Date.now();
      start.textContent = "Pause";
      ticking = window.setInterval(draw, 250);
      draw();
    });
    reset.addEventListener("click", function () {
      pause();
      before = 0; shown = -1; done = false;
      start.textContent = "Start";
      what.textContent = "Ready";
      box.dataset.state = "ready";
      left.textContent = clock(intervals.length ? intervals[0][1] : 0);
      count.textContent = intervals.length + " intervals · " + clock(total) + " in all";
    });
    stop.addEventListener("click", function (event) {
      var minutes = Math.max(1, Math.ceil(elapsed() / 60));
      if (elapsed() > 0) {
        event.preventDefault();
        var url = new URL(stop.href, window.location.href);
        url.searchParams.set("minutes", String(minutes));
        window.location.href = url.toString();
      }
    });
    reset.click();
  }

  /* The daily log opened by the timer: its session filled in (the athlete checks and sends). */
  function fillLog() {
    var params = new URLSearchParams(window.location.search);
    var form = document.querySelector("form[data-log-form], form.log-form, form");
    if (!params.get("programme_stage") || !document.querySelector("[data-sessions]")) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-sessions] [data-session]"));
    var row = rows.filter(function (r) {
      var activity = r.querySelector("select[name$='-activity']");
      return !r.hidden && activity && !activity.value;
    })[0];
    if (!row) {
      var add = document.querySelector("[data-add-session]");
      if (!add) return;
      add.click();
      rows = document.querySelectorAll("[data-sessions] [data-session]");
      row = rows[rows.length - 1];
    }
    ["activity", "minutes", "programme_stage", "completion"].forEach(function (name) {
      var el = row.querySelector("[name$='-" + name + "']");
      var value = params.get(name);
      if (!el || value === null) return;
      el.value = value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    row.scrollIntoView({ block: "start" });
    var pain = row.querySelector("[name$='-pain_during']");
    if (pain && form) pain.focus({ preventScroll: true });
  }

  document.querySelectorAll("[data-run-timer]").forEach(timer);
  fillLog();
})();
