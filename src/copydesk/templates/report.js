(function () {
  "use strict";
  var root = document.documentElement;
  root.setAttribute("data-js", "1");
  var form = document.querySelector("form.filters");
  if (!form) { return; }
  form.hidden = false;
  var marked = document.querySelectorAll("[data-category][data-severity]");
  function hiddenSets() {
    var off = {category: {}, severity: {}};
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (!box.checked) { off[box.name][box.value] = true; }
    });
    return off;
  }
  function apply() {
    var off = hiddenSets();
    var shown = 0;
    marked.forEach(function (el) {
      var hide = off.category[el.getAttribute("data-category")] || off.severity[el.getAttribute("data-severity")];
      el.classList.toggle("off", !!hide);
      if (!hide && el.tagName === "LI") { shown += 1; }
    });
    var out = document.getElementById("shown-count");
    if (out) { out.textContent = shown + " shown"; }
  }
  var m = /(?:^#|&)hide=([^&]*)/.exec(window.location.hash);
  if (m) {
    var names = decodeURIComponent(m[1]).split(",");
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (names.indexOf(box.value) >= 0) { box.checked = false; }
    });
  }
  form.addEventListener("change", apply);
  apply();
})();
