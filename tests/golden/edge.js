(function () {
  "use strict";
  var root = document.querySelector(".publist");
  if (!root) { return; }
  var controls = document.querySelector(".publist-controls");
  var box = document.getElementById("publist-search");
  var count = document.querySelector(".publist-count");
  var chips = Array.prototype.slice.call(document.querySelectorAll(".publist-chips button"));
  var entries = Array.prototype.slice.call(root.querySelectorAll("li.publist-entry"));
  // What a search looks in: the entry as shown (title, authors, venue, year, label), folded
  // once; the abstract and BibTeX views are left out.
  var texts = entries.map(function (li) {
    var parts = [];
    li.childNodes.forEach(function (node) {
      if (node.nodeName !== "DETAILS") { parts.push(node.textContent); }
    });
    return fold(parts.join(" "));
  });
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }
  function state() {
    var lists = chips.filter(function (c) { return c.dataset.list &&
      c.getAttribute("aria-pressed") === "true"; }).map(function (c) { return c.dataset.list; });
    var selected = chips.some(function (c) { return c.dataset.selected &&
      c.getAttribute("aria-pressed") === "true"; });
    return { q: box ? box.value : "", lists: lists, selected: selected };
  }
  function apply(current) {
    var words = fold(current.q).split(" ").filter(Boolean);
    var shown = 0;
    entries.forEach(function (li, index) {
      var text = texts[index];
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
        (!current.lists.length || current.lists.indexOf(li.dataset.category) >= 0) &&
        (!current.selected || li.dataset.selected === "true");
      li.hidden = !ok;
      if (ok) { shown += 1; }
    });
    Array.prototype.forEach.call(root.querySelectorAll("section.publist-section"),
      function (section) {
        section.hidden = !section.querySelector("li.publist-entry:not([hidden])");
      });
    if (count) {
      count.textContent = shown === entries.length ? entries.length + " publications" :
        shown + " of " + entries.length + " publications";
    }
  }
  function save(current) {
    var parts = [];
    if (current.q) { parts.push("q=" + encodeURIComponent(current.q)); }
    if (current.lists.length) { parts.push("list=" + current.lists.join(",")); }
    if (current.selected) { parts.push("selected=1"); }
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (location.hash !== hash) {
      history.replaceState(null, "", hash || location.pathname + location.search);
    }
  }
  function load() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) { params[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1)); }
    });
    var lists = (params.list || "").split(",").filter(Boolean);
    if (box) { box.value = params.q || ""; }
    chips.forEach(function (c) {
      var on = c.dataset.list ? lists.indexOf(c.dataset.list) >= 0 :
        params.selected === "1";
      c.setAttribute("aria-pressed", on ? "true" : "false");
    });
    apply(state());
  }
  function changed() { var current = state(); apply(current); save(current); }
  if (controls) { controls.hidden = false; }
  if (box) { box.addEventListener("input", changed); }
  chips.forEach(function (c) {
    c.addEventListener("click", function () {
      c.setAttribute("aria-pressed", c.getAttribute("aria-pressed") === "true" ? "false" : "true");
      changed();
    });
  });
  window.addEventListener("hashchange", load);
  Array.prototype.forEach.call(root.querySelectorAll("details.publist-bibtex"), function (d) {
    if (!navigator.clipboard) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "publist-copy";
    button.textContent = "Copy BibTeX";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(d.querySelector("code").textContent).then(function () {
        button.textContent = "Copied";
      });
    });
    d.appendChild(button);
  });
  load();
}());
