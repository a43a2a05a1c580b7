/* Notifications on this phone (Web Push): the athlete turns them on or off on Progress. On: the
   browser asks for permission, subscribes with the clinic's public key, and the subscription is
   sent to the server; off: it is withdrawn here and there. Without support, it says so. */
(function () {
  "use strict";

  var box = document.getElementById("push");
  if (!box) return;
  var key = box.dataset.key;
  var url = box.dataset.url;
  var csrf = box.dataset.csrf;
  var status = box.querySelector("[data-push-status]");
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");

  function say(text) {
    status.textContent = text;
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
      return response.json();
    });
  }

  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    say(subscribed ? "On: reminders and messages come to this phone." : "Off on this phone: we e-mail you instead.");
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    on.hidden = off.hidden = true;
    say("This browser cannot show notifications. On an iPhone, add the app to your home screen first. We e-mail you instead.");
    return;
  }

  function registration() {
    return navigator.serviceWorker.ready;
  }

  registration()
    .then(function (reg) {
      return reg.pushManager.getSubscription();
    })
    .then(function (sub) {
      show(!!sub && Notification.permission === "granted");
    })
    .catch(function () {
      show(false);
    });

  on.addEventListener("click", function () {
    on.disabled = true;
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") throw new Error("denied");
        return registration();
      })
      .then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      })
      .then(function (sub) {
        return post({ subscription: sub.toJSON() });
      })
      .then(function () {
        show(true);
      })
      .catch(function (error) {
        show(false);
        if (error && error.message === "denied") {
          say("Notifications are blocked for this site: allow them in the browser's settings, then try again.");
        } else {
          say("Could not turn notifications on. Check your connection and try again.");
        }
      })
      .then(function () {
        on.disabled = false;
      });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    registration()
      .then(function (reg) {
        return reg.pushManager.getSubscription();
      })
      .then(function (sub) {
        var endpoint = sub ? sub.endpoint : "";
        return (sub ? sub.unsubscribe() : Promise.resolve()).then(function () {
          return post({ unsubscribe: endpoint });
        });
      })
      .then(function () {
        show(false);
      })
      .catch(function () {
        say("Could not turn notifications off. Try again.");
      })
      .then(function () {
        off.disabled = false;
      });
  });
})();
