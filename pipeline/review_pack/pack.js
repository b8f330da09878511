// The review pack's one script: renders the segments from the inline JSON, keeps the
// reviewer's decisions in localStorage and writes the review file. Every text from the
// catalog goes into the page as a text node (textContent), never as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pack-data").textContent);
  var S = data.strings;
  var KEY = "pipeline-review:" + data.pack;
  var PAGE_SIZE = 20;
  var segments = data.segments;
  var byIndex = {};
  segments.forEach(function (seg) { byIndex[seg.index] = seg; });
  segments.forEach(function (seg) {
    // The pack leaves out empty fields, and a neighbour's German it holds anyway.
    ["kind", "status", "translation", "origin", "author", "approved_by", "approved_at",
      "sent_back", "suggestion", "previous_translation"].forEach(function (k) { seg[k] = seg[k] || ""; });
    ["kept", "diff", "findings", "notes"].forEach(function (k) { seg[k] = seg[k] || []; });
    seg.heading = seg.heading === undefined ? "" : data.headings[seg.heading];
    if (seg.before === undefined) seg.before = plainOf(byIndex[seg.index - 1]);
    if (seg.after === undefined) seg.after = plainOf(byIndex[seg.index + 1]);
  });
  var state = load();
  var statusBox = document.getElementById("status");

  function plainOf(seg) {
    return seg.pieces.map(function (p) { return typeof p === "string" ? p : p[0]; }).join("");
  }

  function load() {
    var empty = { reviewer: data.reviewer || "", decisions: {}, page: 0 };
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (saved && typeof saved === "object" && saved.decisions) {
        return { reviewer: String(saved.reviewer || ""), decisions: saved.decisions, page: saved.page | 0 };
      }
    } catch (e) { /* no storage: the work lives in this tab only */ }
    return empty;
  }

  function save(message) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(state));
      announce(message);
    } catch (e) {
      announce(S.not_saved);
    }
  }

  function announce(message) {
    // Cleared first, so that the same words twice are announced twice.
    statusBox.textContent = "";
    window.setTimeout(function () { statusBox.textContent = message; }, 50);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else if (name === "onclick") node.addEventListener("click", value);
      else if (name === "onsubmit") node.addEventListener("submit", value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === "") return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function textIn(lang, dir, text, tag) {
    return el(tag || "p", { lang: lang, dir: dir, text: text });
  }

  // --- what the reviewer may do with a segment -------------------------------------------

  function mine(seg) {
    var name = state.reviewer.trim().toLocaleLowerCase();
    return data.four_eyes && seg.author && name && seg.author.toLocaleLowerCase() === name;
  }

  function offered(seg) {
    var actions = [];
    if (seg.status === "draft" && seg.translation && !seg.sent_back && !mine(seg)) actions.push("approve");
    actions.push("edit");
    if (seg.status === "stale" && seg.approved_by) actions.push("keep");
    if (seg.translation && seg.status !== "missing") actions.push("send_back");
    return actions;
  }

  function actionLabel(action) {
    if (action === "edit") return data.four_eyes ? S.edit_second : S.edit;
    return S[action];
  }

  function doneLabel(decision) {
    if (decision.action === "edit") return data.four_eyes ? S.done_saved : S.done_edit;
    return S["done_" + decision.action];
  }

  // --- one segment ------------------------------------------------------------------------

  function german(seg) {
    var paragraph = el("p", { lang: "de", dir: "ltr", class: "german" });
    var notes = el("div", { class: "definitions" });
    seg.pieces.forEach(function (piece, i) {
      if (typeof piece === "string") { paragraph.appendChild(document.createTextNode(piece)); return; }
      var id = "def-" + seg.id + "-" + i, entry = data.glossary[piece[1]];
      var note = el("p", { id: id, class: "definition", hidden: true }, [
        el("strong", { lang: "de", dir: "ltr", text: entry[0] }), " ", S.term_is, " ",
        el("span", { lang: "de", dir: "ltr", text: entry[1] || S.no_definition })
      ]);
      var button = el("button", {
        type: "button", class: "term", "aria-expanded": "false", "aria-controls": id, text: piece[0],
        onclick: function () {
          var open = button.getAttribute("aria-expanded") !== "true";
          button.setAttribute("aria-expanded", open ? "true" : "false");
          note.hidden = !open;
        }
      });
      paragraph.appendChild(button);
      notes.appendChild(note);
    });
    return [paragraph, notes];
  }

  function diff(seg) {
    var box = el("p", { lang: "de", dir: "ltr", class: "diff" });
    seg.diff.forEach(function (run) {
      if (run[0] === "equal") box.appendChild(document.createTextNode(run[1]));
      else if (run[0] === "delete") box.appendChild(el("del", {}, [el("span", { class: "label", text: S.removed }), run[1]]));
      else box.appendChild(el("ins", {}, [el("span", { class: "label", text: S.added }), run[1]]));
    });
    return [el("h4", { text: S.what_changed }), el("p", { class: "hint", text: S.diff_legend }), box];
  }

  function origin(seg) {
    if (!seg.translation) return el("p", { class: "origin", text: S.no_translation });
    if (seg.origin === "machine") return el("p", { class: "origin", text: S.by_machine });
    return el("p", { class: "origin", text: seg.author ? fill(S.by_person, { name: seg.author }) : S.by_unnamed });
  }

  function records(seg) {
    var lines = [];
    if (seg.approved_by) lines.push(fill(S.approved_by, { name: seg.approved_by, time: seg.approved_at }));
    seg.kept.forEach(function (k) { lines.push(fill(S.kept_by, { record: k })); });
    if (seg.sent_back) lines.push(fill(S.sent_back_by, { record: seg.sent_back }));
    return lines.map(function (line) { return el("p", { class: "record", text: line }); });
  }

  function listOf(title, items, lang) {
    if (!items.length) return [];
    return [el("h4", { text: title }), el("ul", { lang: lang }, items.map(function (t) { return el("li", { text: t }); }))];
  }

  function card(seg, number) {
    var head = el("h3", { id: "h-" + seg.id }, [
      fill(S.segment_of, { n: number, total: segments.length }), " ",
      el("span", { class: "badge " + seg.status, text: S["status_" + seg.status] })
    ]);
    var parts = [head];
    if (seg.heading && seg.kind !== "heading") parts.push(el("p", { class: "where" }, [S.section + " ", el("span", { lang: "de", dir: "ltr", text: seg.heading })]));
    parts.push(el("h4", { text: S.german }));
    parts = parts.concat(german(seg));
    if (seg.before || seg.after) {
      parts.push(el("details", { class: "context" }, [
        el("summary", { text: S.context }),
        seg.before ? el("p", {}, [el("strong", { text: S.before }), " ", el("span", { lang: "de", dir: "ltr", text: seg.before })]) : null,
        seg.after ? el("p", {}, [el("strong", { text: S.after }), " ", el("span", { lang: "de", dir: "ltr", text: seg.after })]) : null
      ]));
    }
    if (seg.diff.length) parts = parts.concat(diff(seg));
    parts.push(el("h4", { text: S.translation }));
    if (seg.translation) parts.push(textIn(data.lang, data.dir, seg.translation));
    parts.push(origin(seg));
    parts = parts.concat(records(seg));
    if (seg.previous_translation) parts.push(el("h4", { text: S.previous_translation }), textIn(data.lang, data.dir, seg.previous_translation));
    if (seg.suggestion) parts.push(el("h4", { text: S.suggestion }), textIn(data.lang, data.dir, seg.suggestion));
    parts = parts.concat(listOf(S.findings, seg.findings, "en"), listOf(S.notes, seg.notes, null));
    parts.push(el("div", { class: "decide" }, decide(seg, number)));
    return el("article", { class: "segment", id: "seg-" + seg.id, "aria-labelledby": "h-" + seg.id }, parts);
  }

  // --- deciding ---------------------------------------------------------------------------

  function decide(seg, number) {
    var decision = state.decisions[seg.id];
    var box = el("div", { class: "decision" });
    if (decision) {
      var said = el("p", { class: "chosen", tabindex: "-1" }, [el("strong", { text: S.your_decision }), " " + doneLabel(decision)]);
      box.appendChild(said);
      if (decision.text) box.appendChild(textIn(data.lang, data.dir, decision.text));
      if (decision.comment) box.appendChild(el("p", { text: fill(S.your_comment, { comment: decision.comment }) }));
      box.appendChild(el("button", {
        type: "button", class: "secondary", text: S.undo,
        "aria-describedby": "h-" + seg.id,
        onclick: function () { delete state.decisions[seg.id]; save(fill(S.saved_undo, { n: number })); redraw(seg, number, "button"); }
      }));
      return [box];
    }
    var group = el("div", { class: "actions", role: "group", "aria-label": fill(S.decision_for, { n: number }) });
    offered(seg).forEach(function (action) {
      group.appendChild(el("button", {
        type: "button", "data-action": action, text: actionLabel(action),
        onclick: function () { choose(seg, number, action, box); }
      }));
    });
    var parts = [group];
    if (mine(seg) && seg.status === "draft") parts.push(el("p", { class: "hint", text: S.four_eyes_own }));
    parts.push(box);
    return parts;
  }

  function needName() {
    if (state.reviewer.trim()) return false;
    var input = document.getElementById("reviewer");
    showError(input, S.name_first);
    input.focus();
    announce(S.name_first);
    return true;
  }

  function choose(seg, number, action, box) {
    if (needName()) return;
    if (action === "approve" && !seg.findings.length) {
      record(seg, number, { action: "approve", text: "", comment: "" });
      return;
    }
    box.textContent = "";
    box.appendChild(form(seg, number, action));
    var first = box.querySelector("textarea");
    if (first) first.focus();
  }

  function field(id, label, value, attrs) {
    var input = el("textarea", Object.assign({ id: id, name: id, rows: "4" }, attrs || {}));
    input.value = value || "";
    return [el("label", { for: id, text: label }), input];
  }

  function form(seg, number, action) {
    var base = "f-" + seg.id;
    var parts = [], text = null, comment;
    if (action === "edit") {
      parts = parts.concat(field(base + "-text", S.your_translation, seg.translation || seg.suggestion, { lang: data.lang, dir: data.dir, rows: "6" }));
      text = parts[1];
      parts.push(directionToggle(text));
      parts = parts.concat(field(base + "-comment", S.comment_optional, ""));
    } else {
      var label = { approve: S.reason_findings, keep: S.reason_keep, send_back: S.reason_send_back }[action];
      parts = parts.concat(field(base + "-comment", label, "", { "aria-required": "true" }));
    }
    comment = parts[parts.length - 1];
    var submit = el("button", { type: "submit", text: action === "edit" ? (data.four_eyes ? S.submit_second : S.submit_edit) : actionLabel(action) });
    var cancel = el("button", { type: "button", class: "secondary", text: S.cancel, onclick: function () { redraw(seg, number, "button"); } });
    parts.push(el("div", { class: "actions" }, [submit, cancel]));
    return el("form", {
      novalidate: true, class: "decision-form", "aria-label": actionLabel(action),
      onsubmit: function (event) {
        event.preventDefault();
        var value = text ? text.value.replace(/\s+/g, " ").trim() : "";
        var why = comment.value.replace(/\s+/g, " ").trim();
        if (text && !value) { showError(text, S.text_required); text.focus(); return; }
        if (!text && !why) { showError(comment, S.comment_required); comment.focus(); return; }
        record(seg, number, { action: action, text: value, comment: why });
      }
    }, parts);
  }

  function directionToggle(input) {
    var button = el("button", { type: "button", class: "secondary", "aria-pressed": "false", text: S.direction });
    button.addEventListener("click", function () {
      var rtl = input.getAttribute("dir") !== "rtl";
      input.setAttribute("dir", rtl ? "rtl" : "ltr");
      button.setAttribute("aria-pressed", String(rtl !== (data.dir === "rtl")));
    });
    return el("p", {}, [button]);
  }

  function showError(input, message) {
    var id = input.id + "-error";
    var old = document.getElementById(id);
    if (old) old.remove();
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    input.parentNode.insertBefore(el("p", { id: id, class: "error", text: message }), input.nextSibling);
  }

  function record(seg, number, decision) {
    decision.segment = seg.id;
    decision.version = seg.version;
    state.decisions[seg.id] = decision;
    save(fill(S.saved, { n: number, decision: doneLabel(decision) }));
    redraw(seg, number, ".chosen");
    updateProgress();
  }

  function redraw(seg, number, focus) {
    var old = document.getElementById("seg-" + seg.id);
    var fresh = card(seg, number);
    old.replaceWith(fresh);
    var target = fresh.querySelector(".decide " + focus);
    if (target) target.focus();
    updateProgress();
  }

  // --- the page ---------------------------------------------------------------------------

  function pages() { return Math.max(1, Math.ceil(segments.length / PAGE_SIZE)); }

  function render(focusList) {
    state.page = Math.min(Math.max(0, state.page), pages() - 1);
    var start = state.page * PAGE_SIZE, end = Math.min(segments.length, start + PAGE_SIZE);
    var list = document.getElementById("segments");
    list.textContent = "";
    for (var i = start; i < end; i++) list.appendChild(card(segments[i], i + 1));
    var heading = document.getElementById("list-heading");
    heading.textContent = fill(S.showing, { from: start + 1, to: end, total: segments.length });
    pager();
    updateProgress();
    if (focusList) heading.focus();
  }

  function pager() {
    var nav = document.getElementById("pager");
    nav.hidden = pages() < 2;
    nav.textContent = "";
    if (pages() < 2) return;
    var go = function (step) { return function () { state.page += step; save(S.saved_page); render(true); }; };
    nav.appendChild(el("button", { type: "button", text: S.previous_page, disabled: state.page === 0, onclick: go(-1) }));
    nav.appendChild(el("span", { text: fill(S.page_of, { page: state.page + 1, pages: pages() }) }));
    nav.appendChild(el("button", { type: "button", text: S.next_page, disabled: state.page >= pages() - 1, onclick: go(1) }));
  }

  function updateProgress() {
    var done = Object.keys(state.decisions).length;
    document.getElementById("progress").textContent = fill(S.progress, { done: done, total: segments.length });
  }

  // --- the review file --------------------------------------------------------------------

  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ":" + canonical(value[k]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function reviewFile() {
    var decisions = segments.filter(function (s) { return state.decisions[s.id]; }).map(function (s) {
      var d = state.decisions[s.id];
      return { segment: s.id, version: s.version, action: d.action, text: d.text || "", comment: d.comment || "" };
    });
    var payload = {
      format: data.review_format, pack: data.pack, publication: data.publication,
      edition: data.edition, reviewer: state.reviewer.trim(),
      created: new Date().toISOString().replace(/\.\d+Z$/, "Z"), decisions: decisions
    };
    payload.checksum = "sha256:" + sha256(canonical(payload));
    return payload;
  }

  function finish() {
    var result = document.getElementById("finish-result");
    if (needName()) return;
    var file = reviewFile();
    if (!file.decisions.length) { result.textContent = S.nothing_yet; announce(S.nothing_yet); return; }
    var name = "review-" + data.edition + "-" + data.pack.slice(0, 8) + ".json";
    var blob = new Blob([JSON.stringify(file, null, 1) + "\n"], { type: "application/json" });
    var link = el("a", { href: URL.createObjectURL(blob), download: name, hidden: true });
    document.body.appendChild(link);
    link.click();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    var message = fill(S.downloaded, { file: name, count: file.decisions.length });
    result.textContent = message;
    announce(message);
  }

  // SHA-256 (FIPS 180-4) of a string's UTF-8 bytes; crypto.subtle is missing on file://.
  function sha256(text) {
    var bytes = new TextEncoder().encode(text);
    var K = [], H = [], n = 0, c = 2;
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) | 0; }
    for (; n < 64; c++) {
      var prime = true;
      for (var f = 2; f * f <= c; f++) if (c % f === 0) { prime = false; break; }
      if (prime) { if (n < 8) H[n] = frac(Math.sqrt(c)); K[n++] = frac(Math.cbrt(c)); }
    }
    var length = ((bytes.length + 9 + 63) >> 6) << 6, padded = new Uint8Array(length);
    padded.set(bytes);
    padded[bytes.length] = 0x80;
    var view = new DataView(padded.buffer), bits = bytes.length * 8;
    view.setUint32(length - 8, Math.floor(bits / 4294967296));
    view.setUint32(length - 4, bits >>> 0);
    var W = new Array(64);
    for (var block = 0; block < length; block += 64) {
      for (var t = 0; t < 64; t++) {
        if (t < 16) W[t] = view.getUint32(block + t * 4);
        else {
          var a = W[t - 15], b = W[t - 2];
          var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
          var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
          W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
        }
      }
      var v = H.slice();
      for (t = 0; t < 64; t++) {
        var e = v[4], x = v[0];
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (v[7] + S1 + ((e & v[5]) ^ (~e & v[6])) + K[t] + W[t]) | 0;
        var S0 = ((x >>> 2) | (x << 30)) ^ ((x >>> 13) | (x << 19)) ^ ((x >>> 22) | (x << 10));
        var t2 = (S0 + ((x & v[1]) ^ (x & v[2]) ^ (v[1] & v[2]))) | 0;
        v = [(t1 + t2) | 0, x, v[1], v[2], (v[3] + t1) | 0, e, v[5], v[6]];
      }
      for (t = 0; t < 8; t++) H[t] = (H[t] + v[t]) | 0;
    }
    return H.map(function (h) { return ("00000000" + (h >>> 0).toString(16)).slice(-8); }).join("");
  }

  // --- start ------------------------------------------------------------------------------

  var nameInput = document.getElementById("reviewer");
  nameInput.value = state.reviewer;
  var nameForm = document.getElementById("name-form");
  nameInput.addEventListener("change", function () { nameForm.requestSubmit(); });
  nameForm.addEventListener("submit", function (event) {
    event.preventDefault();
    state.reviewer = nameInput.value.replace(/\s+/g, " ").trim();
    nameInput.removeAttribute("aria-invalid");
    var error = document.getElementById("reviewer-error");
    if (error) error.remove();
    save(state.reviewer ? fill(S.saved_name, { name: state.reviewer }) : S.name_first);
    render(false);
  });
  document.getElementById("finish").addEventListener("click", finish);
  document.getElementById("app").hidden = false;
  window.pipelineReview = { sha256: sha256, canonical: canonical, reviewFile: reviewFile };
  render(false);
})();
