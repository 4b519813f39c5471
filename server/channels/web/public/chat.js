// The web chat page: sends what the citizen types, taps or photographs to /chat/api/events and
// /chat/api/evidence, and long-polls /chat/api/messages for the replies the outbox delivered. No framework,
// no build step; plain ES2017 so that old Android browsers run it. Texts come from the server (web.json).
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var lang = config.lang;
  var T = config.texts[lang];
  var IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"];
  var MAX_SIDE = 1600;

  var log = document.getElementById("log");
  var notice = document.getElementById("notice");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var sendButton = document.getElementById("send");
  var attach = document.getElementById("attach");
  var photo = document.getElementById("photo");

  /** Id of the newest message shown (a decimal string). */
  var last = "0";
  var noticeKind = "";
  var reenableTimer = 0;
  /** The buttons the citizen just tapped: the next reply retires them (the engine re-asks if needed). */
  var tapped = null;

  /** The conversation's language changed (the citizen chose it in the chat): re-label the page at once. */
  function applyLanguage(wanted) {
    if (!wanted || wanted === lang || !config.texts[wanted]) return;
    lang = wanted;
    T = config.texts[lang];
    document.documentElement.lang = lang;
    var i, nodes = document.querySelectorAll("[data-t]");
    for (i = 0; i < nodes.length; i++) nodes[i].textContent = T[nodes[i].getAttribute("data-t")];
    nodes = document.querySelectorAll("[data-t-placeholder]");
    for (i = 0; i < nodes.length; i++) nodes[i].setAttribute("placeholder", T[nodes[i].getAttribute("data-t-placeholder")]);
    nodes = document.querySelectorAll("[data-t-label]");
    for (i = 0; i < nodes.length; i++) {
      nodes[i].setAttribute("aria-label", T[nodes[i].getAttribute("data-t-label")]);
      if (nodes[i].hasAttribute("title")) nodes[i].setAttribute("title", T[nodes[i].getAttribute("data-t-label")]);
    }
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  /** One id per action: a retried request is the same action, and the server counts it once. */
  function newId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function newer(a, b) {
    return a.length !== b.length ? a.length > b.length : a > b;
  }

  function show(text, kind) {
    notice.textContent = text;
    notice.className = "notice show" + (kind === "error" ? " error" : "");
    noticeKind = kind || "info";
  }

  function hide(kind) {
    if (kind && noticeKind !== kind) return;
    notice.className = "notice";
    notice.textContent = "";
    noticeKind = "";
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function setButtons(group, enabled) {
    var buttons = group.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = !enabled;
  }

  /** Only the newest message's buttons answer; older ones are greyed out. */
  function retire(group) {
    group.classList.add("stale");
    setButtons(group, false);
  }

  function retireButtons() {
    var groups = log.querySelectorAll(".buttons:not(.stale)");
    for (var i = 0; i < groups.length; i++) retire(groups[i]);
  }

  /** Who says it, for screen readers only. */
  function speaker(name) {
    var label = document.createElement("span");
    label.className = "sr";
    label.textContent = name + ": ";
    return label;
  }

  function renderBot(m) {
    var el = document.createElement("div");
    el.className = "msg bot";
    el.setAttribute("data-id", m.id);
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.appendChild(speaker(T["sender.bot"]));
    if (m.title) {
      var title = document.createElement("strong");
      title.className = "title";
      title.textContent = m.summary ? m.summary.title : m.title;
      bubble.appendChild(title);
    }
    if (m.image) {
      var picture = document.createElement("img");
      picture.className = "picture";
      picture.src = m.image;
      picture.alt = m.title || "";
      bubble.appendChild(picture);
    }
    // The review is one scrollable summary here: every answer by group, photos, submit at its end.
    bubble.appendChild(document.createTextNode(m.summary ? m.summary.intro : m.text));
    el.appendChild(bubble);
    if (m.summary) {
      el.classList.add("has-summary");
      el.appendChild(renderSummary(m));
    } else if (m.buttons && m.buttons.length) {
      retireButtons();
      var group = document.createElement("div");
      group.className = "buttons";
      m.buttons.forEach(function (row) {
        var line = document.createElement("div");
        line.className = "row";
        row.forEach(function (b) {
          var button = document.createElement("button");
          b.messageId = m.id;
          button.type = "button";
          button.className = "choice";
          // Buttons wrap here: the whole label, where other channels need a shortened one.
          button.textContent = b.full || b.label;
          button.setAttribute("data-data", b.data);
          button.addEventListener("click", function () { tap(group, button, b); });
          line.appendChild(button);
        });
        group.appendChild(line);
      });
      el.appendChild(group);
    }
    // A re-rendered question (a multi-choice tick) takes the place of the one tapped.
    var old = m.replaces ? log.querySelector('.msg.bot[data-id="' + m.replaces + '"]') : null;
    if (old) log.replaceChild(el, old);
    else log.appendChild(el);
  }

  function summaryButton(group, m, b, className) {
    var button = document.createElement("button");
    b.messageId = m.id;
    button.type = "button";
    button.className = "choice " + className;
    button.textContent = b.full || b.label;
    button.setAttribute("data-data", b.data);
    button.addEventListener("click", function () { tap(group, button, b); });
    return button;
  }

  /** The review's summary: one group of buttons (a tap retires them all), submit after the last answer. */
  function renderSummary(m) {
    retireButtons();
    var group = document.createElement("div");
    group.className = "buttons summary";
    m.summary.groups.forEach(function (g) {
      var section = document.createElement("section");
      section.className = "summary-group";
      var heading = document.createElement("h2");
      heading.textContent = g.title;
      section.appendChild(heading);
      g.items.forEach(function (item) {
        var row = document.createElement("div");
        row.className = "summary-item";
        var q = document.createElement("p");
        q.className = "q";
        q.textContent = item.label + ". " + item.prompt;
        var a = document.createElement("p");
        a.className = "a";
        a.textContent = "→ " + item.answer;
        row.appendChild(q);
        row.appendChild(a);
        if (item.evidence.length) {
          var thumbs = document.createElement("div");
          thumbs.className = "thumbs";
          item.evidence.forEach(function (id) {
            var img = document.createElement("img");
            img.className = "thumb";
            img.loading = "lazy";
            img.alt = T["sender.photo"];
            img.src = "/chat/api/evidence/" + encodeURIComponent(id);
            thumbs.appendChild(img);
          });
          row.appendChild(thumbs);
        }
        row.appendChild(summaryButton(group, m, item.edit, "edit"));
        section.appendChild(row);
      });
      group.appendChild(section);
    });
    group.appendChild(summaryButton(group, m, m.summary.submit, "submit"));
    return group;
  }

  /** A message of the citizen's that the server refused (too fast, too long …): marked as not sent. */
  function markNotSent(el) {
    if (!el || el.classList.contains("failed")) return;
    el.classList.add("failed");
    var note = document.createElement("span");
    note.className = "status";
    note.textContent = T["status.not_sent"];
    el.appendChild(note);
  }

  function renderMine(text, imageUrl) {
    var el = document.createElement("div");
    el.className = "msg me";
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.appendChild(speaker(T["sender.you"]));
    if (imageUrl) {
      var img = document.createElement("img");
      img.src = imageUrl;
      img.alt = T["sender.photo"];
      bubble.appendChild(img);
    } else {
      bubble.appendChild(document.createTextNode(text));
    }
    el.appendChild(bubble);
    log.appendChild(el);
    scrollDown();
    return el;
  }

  function showMessages(messages, messagesLang) {
    applyLanguage(messagesLang);
    var added = false;
    messages.forEach(function (m) {
      if (!newer(m.id, last)) return;
      renderBot(m);
      last = m.id;
      added = true;
    });
    if (!added) return;
    if (tapped) {
      clearTimeout(reenableTimer);
      retire(tapped);
      tapped = null;
    }
    // A new review summary is read from its top; everything else from the newest line.
    var newest = log.lastElementChild;
    if (newest && newest.classList.contains("has-summary")) log.scrollTop = newest.offsetTop - log.offsetTop;
    else scrollDown();
  }

  /** A notice that says why a request was refused. */
  function explain(status, body, fallback) {
    var code = body && body.error ? body.error.code : "";
    if (status === 429) show(T["notice.slow_down"], "error");
    else if (status === 401) show(T["notice.session_expired"], "error");
    else if (code === "invalid_text") show(T["notice.text_too_long"], "error");
    else if (code === "unsupported_file_type" || code === "not_an_image") show(T["notice.upload_type"], "error");
    else if (status === 413 || code === "file_too_large") show(T["notice.upload_size"], "error");
    else if (code === "not_expected") show(T["notice.upload_not_expected"], "error");
    else if (code === "upload_quota") show(T["notice.upload_quota"], "error");
    else show(fallback, "error");
  }

  async function readJson(res) {
    try {
      return await res.json();
    } catch (e) {
      return null;
    }
  }

  /**
   * Posts one action, retrying network failures and server errors with the same id (the server
   * deduplicates it). Resolves true when the server took it.
   */
  async function post(url, body, contentType, fallback) {
    for (var attempt = 0; attempt < 6; attempt++) {
      var res;
      try {
        res = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": contentType },
          body: body,
        });
      } catch (e) {
        show(T["notice.reconnecting"], "network");
        await sleep(Math.min(1000 * Math.pow(2, attempt), 8000));
        continue;
      }
      if (res.ok) {
        hide("network");
        hide("error");
        return true;
      }
      if (res.status >= 500) {
        await sleep(Math.min(1000 * Math.pow(2, attempt), 8000));
        continue;
      }
      explain(res.status, await readJson(res), fallback);
      return false;
    }
    show(fallback, "error");
    return false;
  }

  function sendEvent(event) {
    event.clientEventId = newId();
    return post("/chat/api/events", JSON.stringify(event), "application/json", T["notice.send_failed"]);
  }

  async function tap(group, button, b) {
    if (group.classList.contains("stale") || tapped === group) return;
    setButtons(group, false);
    button.classList.add("chosen");
    tapped = group;
    // A tick of a multiple choice changes the question in place: no bubble of the citizen's for it.
    var bubble = b.data.split(".")[1] === "t" ? null : renderMine(b.full || b.label);
    var ok = await sendEvent({ type: "button", data: b.data, messageId: b.messageId });
    if (!ok) {
      markNotSent(bubble);
      if (tapped === group) tapped = null;
      button.classList.remove("chosen");
      if (!group.classList.contains("stale")) setButtons(group, true);
      return;
    }
    if (tapped !== group) return;
    // The reply retires these buttons; if none comes (a repeated request), let the citizen tap again.
    clearTimeout(reenableTimer);
    reenableTimer = setTimeout(function () {
      if (tapped === group && !group.classList.contains("stale")) {
        tapped = null;
        button.classList.remove("chosen");
        setButtons(group, true);
      }
    }, 10000);
  }

  form.addEventListener("submit", async function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) {
      show(T["notice.text_empty"], "error");
      return;
    }
    if (Array.from(text).length > config.maxTextChars) {
      show(T["notice.text_too_long"], "error");
      return;
    }
    input.value = "";
    resize();
    var bubble = renderMine(text);
    sendButton.disabled = true;
    var ok = await sendEvent({ type: "text", text: text });
    sendButton.disabled = false;
    if (!ok) {
      markNotSent(bubble);
      if (!input.value) input.value = text;
    }
    input.focus();
  });

  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  function resize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 4, 200) + "px";
  }
  input.addEventListener("input", resize);

  /** Phone photos are often larger than needed: re-encode big or unusual ones as JPEG. */
  function shrink(file) {
    return new Promise(function (resolve) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) { resolve(blob); }, "image/jpeg", 0.85);
      };
      img.onerror = function () {
        URL.revokeObjectURL(url);
        resolve(null);
      };
      img.src = url;
    });
  }

  attach.addEventListener("click", function () { photo.click(); });

  photo.addEventListener("change", async function () {
    var file = photo.files && photo.files[0];
    photo.value = "";
    if (!file) return;
    var blob = file;
    if (IMAGE_TYPES.indexOf(file.type) < 0 || file.size > 1500000) blob = await shrink(file);
    if (!blob) {
      show(T["notice.upload_type"], "error");
      return;
    }
    if (blob.size > config.maxUploadBytes) {
      show(T["notice.upload_size"], "error");
      return;
    }
    var bubble = renderMine("", URL.createObjectURL(blob));
    show(T["notice.uploading"], "info");
    attach.disabled = true;
    var ok = await post("/chat/api/evidence?clientEventId=" + newId(), blob, blob.type, T["notice.upload_failed"]);
    attach.disabled = false;
    if (ok) hide("info");
    else markNotSent(bubble);
  });

  /** Long polling: one request waits up to ~20 s for new replies, then the next one starts. */
  async function poll() {
    var failures = 0;
    for (;;) {
      var res;
      try {
        res = await fetch("/chat/api/messages?wait=1&after=" + last, { credentials: "same-origin", cache: "no-store" });
      } catch (e) {
        failures++;
        show(T["notice.reconnecting"], "network");
        await sleep(Math.min(1000 * Math.pow(2, failures - 1), 15000));
        continue;
      }
      if (res.ok) {
        failures = 0;
        hide("network");
        var body = await readJson(res);
        if (body) showMessages(body.messages, body.lang);
        continue;
      }
      if (res.status === 401) {
        show(T["notice.session_expired"], "error");
        return;
      }
      failures++;
      if (res.status >= 500) show(T["notice.reconnecting"], "network");
      await sleep(res.status === 429 ? 5000 : Math.min(1000 * Math.pow(2, failures - 1), 15000));
    }
  }

  /** The unit code of a link such as /chat?u=DEMO-XA (as the Telegram start link carries it). */
  function unitFromLink() {
    var m = /[?&]u=([^&#]*)/.exec(location.search);
    var code = m ? decodeURIComponent(m[1]).trim() : "";
    return /^[A-Za-z0-9_-]{1,32}$/.test(code) ? code : "";
  }

  /** An officer invitation of a link such as /chat?o=<token> (the admin CLI prints it). */
  function inviteFromLink() {
    var m = /[?&]o=([^&#]*)/.exec(location.search);
    var token = m ? decodeURIComponent(m[1]).trim() : "";
    return /^[A-Za-z0-9_-]{32}$/.test(token) ? token : "";
  }

  async function start() {
    for (var attempt = 0; ; attempt++) {
      try {
        var res = await fetch("/chat/api/messages?after=0", { credentials: "same-origin", cache: "no-store" });
        if (res.status === 401) {
          show(T["notice.session_expired"], "error");
          return;
        }
        if (res.ok) {
          var body = await readJson(res);
          if (body) {
            showMessages(body.messages, body.lang);
            break;
          }
        }
      } catch (e) {
        /* try again below */
      }
      show(T["notice.reconnecting"], "network");
      await sleep(Math.min(1000 * Math.pow(2, attempt), 15000));
    }
    hide();
    var unit = unitFromLink();
    var invite = inviteFromLink();
    // First visit, or a unit's (or an invitation's) link opened again: greet (and pre-select the unit,
    // or accept the invitation). A plain reload continues where the conversation is.
    if (last === "0" || unit || invite) {
      var event = { type: "start" };
      if (invite) event.invite = invite;
      else if (unit) event.unit = unit;
      var ok = await sendEvent(event);
      if (ok && (unit || invite) && history.replaceState) history.replaceState(null, "", location.pathname);
    }
    poll();
  }

  start();
})();
