// The newsroom's search box: no server, no library. The index (search-index.js, written by
// presskit site) is loaded the first time the box is used; every word typed must be found in a
// release's headline, dateline or text, compared without case or accents, as index.fold does.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) { return; }
  var box = form.querySelector("input");
  var list = form.querySelector(".search-results");
  var rows = null;
  var waiting = false;

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  window.presskitSearch = function (data) { rows = data; show(); };

  function load() {
    if (rows || waiting) { return; }
    waiting = true;
    var script = document.createElement("script");
    script.src = form.getAttribute("data-index");
    document.head.appendChild(script);
  }

  function show() {
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length || !rows) { return; }
    var found = rows.filter(function (row) {
      return words.every(function (word) { return row.x.indexOf(word) !== -1; });
    });
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = form.getAttribute("data-none");
      list.appendChild(none);
      return;
    }
    found.slice(0, 20).forEach(function (row) {
      var item = document.createElement("li");
      item.className = "listing-item";
      item.lang = row.g;
      item.dir = "auto";
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = row.d + " · " + row.l;
      var title = document.createElement("h3");
      title.className = "listing-title";
      var link = document.createElement("a");
      link.href = row.u;
      link.textContent = row.t;
      title.appendChild(link);
      item.appendChild(meta);
      item.appendChild(title);
      list.appendChild(item);
    });
  }

  box.addEventListener("focus", load);
  box.addEventListener("input", function () { load(); show(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); load(); show(); });
}());
