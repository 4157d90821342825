/* 班前签到 pages: code countdown, location, camera scanning with jsQR, posting sign-ins. */
window.ZhuxinSignin = (function () {
  "use strict";
  var state = { fix: null, locationError: null };

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }
  function csrf() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }
  function withFix(data) {
    if (state.fix) {
      data.lat = state.fix.lat; data.lng = state.fix.lng; data.accuracy = state.fix.accuracy;
    } else {
      data.location_error = state.locationError || "missing";
    }
    return data;
  }
  function query(data) {
    return Object.keys(data).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(data[k]);
    }).join("&");
  }
  function getJSON(url, data) {
    return fetch(url + "?" + query(data), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); });
  }
  function postJSON(url, data) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(data)
    }).then(function (r) { return r.json(); });
  }

  /* Location: the latest fix, or why there is none ("denied" | "missing"). */
  function watchLocation(onChange) {
    if (!navigator.geolocation) { state.locationError = "missing"; onChange(); return; }
    navigator.geolocation.watchPosition(function (pos) {
      state.fix = { lat: pos.coords.latitude, lng: pos.coords.longitude, accuracy: pos.coords.accuracy };
      state.locationError = null; onChange();
    }, function (err) {
      state.fix = null; state.locationError = err.code === 1 ? "denied" : "missing"; onChange();
    }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
  }

  /* Camera + jsQR; onCode(text) returns false to stop scanning. */
  function startCamera(onCode, onError) {
    var box = document.getElementById("scanner"), video = document.getElementById("video");
    var canvas = document.getElementById("canvas"), ctx = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null, active = true;
    function stop() {
      active = false; box.hidden = true;
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    }
    function tick() {
      if (!active) { return; }
      if (video.readyState >= 2 && video.videoWidth) {
        canvas.width = video.videoWidth; canvas.height = video.videoHeight;
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
        var code = jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
        if (code && code.data && onCode(code.data) === false) { stop(); return; }
      }
      setTimeout(tick, 120);
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { onError("no mediaDevices"); return stop; }
    box.hidden = false;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) { stream = s; video.srcObject = s; return video.play(); })
      .then(tick)
      .catch(function (e) { stop(); onError(String(e)); });
    return stop;
  }

  function showLocation(text) {
    var where = document.getElementById("where");
    if (state.fix) {
      where.textContent = fmt(text.located, { m: Math.round(state.fix.accuracy || 0) });
    }
  }

  function resultHTML(ok, title, detail) {
    var p = document.createElement("p");
    p.className = "result " + (ok ? "ok" : "refused");
    p.setAttribute("role", ok ? "status" : "alert");
    p.innerHTML = "<strong></strong><br><span></span>";
    p.querySelector("strong").textContent = title;
    p.querySelector("span").textContent = detail;
    return p;
  }

  // One of the worker's projects: its hours, then today's sign-in, the reason the hours or the
  // range give, or the distance; green (inside) only when he can sign in now.
  function siteItem(s, text) {
    var li = document.createElement("li");
    li.className = s.signed_today ? "signed" : (s.can_sign_in ? "inside" : "outside");
    li.innerHTML = "<strong></strong><br><small class=\"hours\"></small><br><small class=\"state\"></small>";
    li.querySelector("strong").textContent = s.project_name;
    li.querySelector(".hours").textContent = text.hours + " " + s.hours;
    li.querySelector(".state").textContent = s.signed_today ? fmt(text.signed, { t: s.signed_today })
      : !s.inside ? s.message
      : s.blocked ? s.blocked.message
      : fmt(text.inside, { d: s.distance_m });
    return li;
  }

  function workerPage(cfg) {
    var button = document.getElementById("signin-button"), sites = document.getElementById("sites");
    var result = document.getElementById("result");
    function refresh() {
      showLocation(cfg.text);
      getJSON(cfg.ranges, withFix({})).then(function (data) {
        sites.innerHTML = "";
        data.sites.forEach(function (s) {
          sites.appendChild(siteItem(s, cfg.text));
          if (!state.fix) { document.getElementById("where").textContent = s.message; }
        });
        button.disabled = !data.can_sign_in;
        button.classList.toggle("ready", !!data.can_sign_in);
      });
    }
    button.addEventListener("click", function () {
      button.disabled = true; result.innerHTML = "";
      result.appendChild(resultHTML(true, cfg.text.scanning, ""));
      startCamera(function (code) {
        postJSON(cfg.scan, withFix({ code: code })).then(function (data) {
          result.innerHTML = "";
          result.appendChild(data.ok
            ? resultHTML(true, cfg.text.success, data.project_name + " " + data.time)
            : resultHTML(false, data.message, ""));
          refresh();  // signed in now (grey, 今日已签到) or still able to try again
        });
        return false;
      }, function (e) { result.innerHTML = ""; result.appendChild(resultHTML(false, cfg.text.cameraError, e)); });
    });
    watchLocation(refresh);
  }

  function officerPage(cfg) {
    var list = document.getElementById("results"), count = document.getElementById("count");
    var start = document.getElementById("start-button"), seen = {}, signed = 0;
    watchLocation(function () { showLocation(cfg.text); });
    start.addEventListener("click", function () {
      start.hidden = true;
      startCamera(function (code) {
        var t = Date.now();
        if (seen[code] && t - seen[code] < 5000) { return true; }
        seen[code] = t;
        postJSON(cfg.scan, withFix({ code: code })).then(function (data) {
          var li = document.createElement("li");
          li.className = data.ok ? "ok" : "refused";
          li.innerHTML = "<strong></strong> <span></span>";
          li.querySelector("strong").textContent = data.person_name || "—";
          if (data.person_id) { li.insertBefore(photoOf(data, cfg.text), li.firstChild); }
          li.querySelector("span").textContent = data.ok ? cfg.text.success + " " + data.time : data.message;
          list.insertBefore(li, list.firstChild);
          if (data.ok) { signed += 1; count.textContent = signed; }
        });
        return true;
      }, function (e) { start.hidden = false; list.insertBefore(resultHTML(false, cfg.text.cameraError, e), list.firstChild); });
    });
  }

  /* The scanned worker's photo, or a clear placeholder: the officer compares it with the face. */
  function photoOf(data, text) {
    var box;
    if (data.photo_url) {
      box = document.createElement("img");
      box.src = data.photo_url;
      box.alt = data.person_name || "";
    } else {
      box = document.createElement("span");
      box.textContent = text.noPhoto;
      box.classList.add("no-photo");
    }
    box.classList.add("scan-photo");
    return box;
  }

  function pointTest(url, text) {
    var button = document.getElementById("test-here"), out = document.getElementById("test-result");
    if (!button) { return; }
    button.addEventListener("click", function () {
      out.textContent = text.locating;
      var ask = function () {
        getJSON(url, withFix({})).then(function (s) {
          out.className = s.inside ? "inside" : "outside";
          out.textContent = s.inside ? fmt(text.inside, { d: s.distance_m }) : s.message;
        });
      };
      if (!navigator.geolocation) { state.locationError = "missing"; ask(); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        state.fix = { lat: pos.coords.latitude, lng: pos.coords.longitude, accuracy: pos.coords.accuracy };
        ask();
      }, function (err) { state.fix = null; state.locationError = err.code === 1 ? "denied" : "missing"; ask(); },
      { enableHighAccuracy: true, timeout: 20000 });
    });
  }

  /* The code page: seconds left, and a renewal request when the code is about to expire. */
  function countdown() {
    setInterval(function () {
      var box = document.getElementById("code-box");
      if (!box) { return; }
      if (!box._t0) { box._t0 = Date.now(); }
      var life = Number(box.dataset.expires) - Number(box.dataset.issued);
      var left = Math.max(0, Math.round(life - (Date.now() - box._t0) / 1000));
      box.querySelector("[data-countdown]").textContent = left;
      if (left <= 5 && !box._renewing && window.htmx) { box._renewing = true; htmx.trigger(box, "renew"); }
    }, 1000);
  }

  return { workerPage: workerPage, officerPage: officerPage, pointTest: pointTest, countdown: countdown };
})();
