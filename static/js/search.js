// The search page (/recherche/): queries the Pagefind index of the built site (pagefind/) and
// lists the results as links (title, kicker, date, excerpt); a live region announces the count.
// Every text shown comes from the page (data-* attributes written from the catalogs). No network
// beyond the site itself. See feuillet/search.py for how the index is made.
(function () {
  "use strict";
  var form = document.querySelector("form[data-search]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var language = document.documentElement.lang || "fr";
  var plural = new Intl.PluralRules(language);
  var numbers = new Intl.NumberFormat(language);
  var engine = null;
  var asked = 0;

  // « d’Ukraine », « l'Ukraine », « qu’il »: the elision is no word of the index, what follows is.
  var ELISION = /(^|[^\p{L}])(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’](?=\p{L})/giu;

  function query(text) {
    return text.replace(ELISION, "$1").trim();
  }

  // The index is read from a copy where ’ between letters is ' (see feuillet/search.py).
  function typeset(text) {
    return text.replace(/(\p{L})'(?=\p{L})/gu, "$1’");
  }

  function counted(count) {
    if (count === 0) return form.dataset.none;
    var form_ = plural.select(count) === "one" ? form.dataset.one : form.dataset.other;
    return form_.replace("{count}", numbers.format(count));
  }

  // Pagefind's excerpt is HTML with <mark>: keep its text and its marks, nothing else.
  function excerpt(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var paragraph = document.createElement("p");
    paragraph.className = "search-excerpt";
    holder.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = typeset(node.textContent);
        paragraph.appendChild(mark);
      } else {
        paragraph.appendChild(document.createTextNode(typeset(node.textContent)));
      }
    });
    return paragraph;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "search-result";
    var meta = data.meta || {};
    if (meta.kicker) {
      var kicker = document.createElement("p");
      kicker.className = "kicker";
      kicker.textContent = typeset(meta.kicker);
      li.appendChild(kicker);
    }
    var heading = document.createElement("h2");
    heading.className = "search-result-title";
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = typeset(meta.title || data.url);
    heading.appendChild(link);
    li.appendChild(heading);
    if (meta.date) {
      var date = document.createElement("p");
      date.className = "search-result-date";
      var time = document.createElement("time");
      if (meta.datetime) time.setAttribute("datetime", meta.datetime);
      time.textContent = meta.date;
      date.appendChild(time);
      li.appendChild(date);
    }
    li.appendChild(excerpt(data.excerpt || ""));
    return li;
  }

  function load() {
    if (!engine) {
      engine = import(form.dataset.bundle + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ baseUrl: form.dataset.base }).then(function () {
          return pagefind;
        });
      });
    }
    return engine;
  }

  function run(text) {
    var number = ++asked;
    var words = query(text);
    if (!words) {
      list.replaceChildren();
      status.textContent = "";
      return Promise.resolve();
    }
    return load()
      .then(function (pagefind) {
        return pagefind.search(words);
      })
      .then(function (found) {
        return Promise.all(found.results.map(function (result) {
          return result.data();
        }));
      })
      .then(function (results) {
        if (number !== asked) return; // a newer query was typed meanwhile
        list.replaceChildren.apply(list, results.map(item));
        status.textContent = counted(results.length);
      })
      .catch(function () {
        if (number === asked) status.textContent = form.dataset.failed;
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    var address = new URL(window.location.href);
    address.searchParams.set("q", text);
    window.history.replaceState(null, "", address);
    run(text);
  });

  var timer = 0;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      run(input.value);
    }, 250);
  });

  var given = new URLSearchParams(window.location.search).get("q");
  if (given) {
    input.value = given;
    run(given);
  }
})();
