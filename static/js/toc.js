/* Section navigation, progressive enhancement: without this script the « Sommaire » is an open
   list of working links. With it, the list folds into a disclosure on narrow screens and, on wide
   screens, the link of the section being read is marked with aria-current. */
(function () {
  "use strict";
  var nav = document.querySelector(".toc");
  if (!nav) return;
  var details = nav.querySelector("details");
  var wide = window.matchMedia("(min-width: 68rem)");
  var links = Array.prototype.slice.call(nav.querySelectorAll('a[href^="#"]'));
  var headings = links
    .map(function (link) { return document.getElementById(decodeURIComponent(link.hash.slice(1))); })
    .filter(Boolean);

  function layout() { details.open = wide.matches; }
  layout();
  if (wide.addEventListener) wide.addEventListener("change", layout);
  details.addEventListener("toggle", function () { if (wide.matches && !details.open) details.open = true; });
  links.forEach(function (link) {
    link.addEventListener("click", function () { if (!wide.matches) details.open = false; });
  });

  var current = null;
  function mark() {
    var line = window.innerHeight * 0.3;
    var found = null;
    headings.forEach(function (heading) { if (heading.getBoundingClientRect().top < line) found = heading.id; });
    if (found === current) return;
    current = found;
    links.forEach(function (link) {
      if (found !== null && link.hash === "#" + encodeURIComponent(found)) link.setAttribute("aria-current", "location");
      else link.removeAttribute("aria-current");
    });
  }
  var pending = false;
  window.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; mark(); });
  }, { passive: true });
  mark();
})();
