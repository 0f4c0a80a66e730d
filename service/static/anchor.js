// Comment on a passage: selecting text in one part of the clause (mouse, keyboard or touch) fills
// the comment form's anchor (quote, the words around it, its offsets, the part's key). Without this
// file the part picker beside each ayat and huruf still works.
(function () {
  "use strict";
  var form = document.getElementById("comment-send");
  var clause = document.getElementById("clause-text");
  if (!form || !clause) { return; }
  var CONTEXT = 32;
  var preview = document.getElementById("anchor-preview");
  var quoteShown = document.getElementById("anchor-quote");
  var clear = document.getElementById("anchor-clear");
  function field(name) { return form.querySelector("input[name='" + name + "']"); }
  function partOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest(".el-text") : null;
  }
  function offsetIn(part, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(part);
    range.setEnd(node, offset);
    return range.toString().length;
  }
  function pick(key) {
    var radio = document.querySelector("input[name='element_key'][value='" + key + "']");
    if (radio) { radio.checked = true; }
  }
  function fill(values) {
    ["anchor_quote", "anchor_prefix", "anchor_suffix", "anchor_start", "anchor_end"].forEach(function (name) {
      field(name).value = values[name] || "";
    });
    if (preview) { preview.hidden = !values.anchor_quote; }
    if (quoteShown) { quoteShown.textContent = values.anchor_quote || ""; }
  }
  function capture() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    var part = partOf(range.startContainer);
    // A passage is quoted from one part: a selection reaching into the next is cut at the part's end.
    if (!part || !clause.contains(part)) { return; }
    var text = part.textContent;
    var start = offsetIn(part, range.startContainer, range.startOffset);
    var end = partOf(range.endContainer) === part ? offsetIn(part, range.endContainer, range.endOffset) : text.length;
    var quote = text.slice(start, end);
    if (!quote.trim()) { return; }
    fill({
      anchor_quote: quote,
      anchor_prefix: text.slice(Math.max(0, start - CONTEXT), start),
      anchor_suffix: text.slice(end, end + CONTEXT),
      anchor_start: String(start),
      anchor_end: String(end)
    });
    var key = part.getAttribute("data-element-key");
    form.setAttribute("data-quoted", key);
    pick(key);
  }
  var pending = null;
  function soon() {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(capture, 150);
  }
  clause.addEventListener("mouseup", capture);
  clause.addEventListener("touchend", soon);
  clause.addEventListener("keyup", soon);
  // A touch device's handles change the selection without a mouseup or touchend on the text.
  document.addEventListener("selectionchange", soon);
  if (clear) {
    clear.addEventListener("click", function () { fill({}); });
  }
  // Picking another part drops a quote taken from a different one.
  document.querySelectorAll("input[name='element_key']").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (field("anchor_quote").value && radio.checked && radio.value !== form.getAttribute("data-quoted")) {
        fill({});
      }
    });
  });
})();
