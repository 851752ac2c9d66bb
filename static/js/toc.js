/* Section navigation, progressive enhancement. Without this script the « Sommaire » is an open
   list of working links. With it, the list folds into a disclosure on narrow screens (closed
   until asked for, closed again once a section is chosen) and, on wide screens where it stays
   beside the text, the link of the section being read gets aria-current="location". */
(function () {
  "use strict";
  var nav = document.querySelector(".toc");
  if (!nav) return;
  var details = nav.querySelector("details");
  var summary = details && details.querySelector("summary");
  if (!details || !summary) return;
  var wide = window.matchMedia("(min-width: 68.75rem)");
  var links = Array.prototype.slice.call(nav.querySelectorAll('a[href^="#"]'));
  var headings = links.map(function (link) {
    return document.getElementById(decodeURIComponent(link.hash.slice(1)));
  });

  // Wide: the list is always shown, so its summary is a plain title, not a toggle.
  function layout() {
    details.open = wide.matches;
    if (wide.matches) summary.setAttribute("tabindex", "-1");
    else summary.removeAttribute("tabindex");
  }
  layout();
  if (wide.addEventListener) wide.addEventListener("change", layout);
  else if (wide.addListener) wide.addListener(layout);
  summary.addEventListener("click", function (event) { if (wide.matches) event.preventDefault(); });
  links.forEach(function (link) {
    link.addEventListener("click", function () { if (!wide.matches) details.open = false; });
  });

  // "Back to contents" links open the folded list they lead to.
  var title = summary.querySelector("[id]");
  if (title) {
    Array.prototype.forEach.call(document.querySelectorAll('a[href="#' + title.id + '"]'), function (link) {
      link.addEventListener("click", function () { details.open = true; });
    });
  }

  var current;
  function mark() {
    var line = window.innerHeight * 0.3;
    var found = -1;
    headings.forEach(function (heading, i) {
      if (heading && heading.getBoundingClientRect().top < line) found = i;
    });
    // At the very end of the page the last section is the one being read.
    var root = document.documentElement;
    if (found >= 0 && window.innerHeight + window.pageYOffset >= root.scrollHeight - 2) found = headings.length - 1;
    if (found === current) return;
    current = found;
    links.forEach(function (link, i) {
      if (i === found) link.setAttribute("aria-current", "location");
      else link.removeAttribute("aria-current");
    });
  }
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; mark(); });
  }
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);
  mark();
})();
