/* pmsite: the knowledge base's search dialog and the filters of its two listings.
   Shipped with the site (no CDN, no outside request). Without JavaScript every page is complete:
   listings are numbered static pages, and only search needs a script. Author text is only ever
   set as text (textContent), never parsed as markup, except HTML the build has sanitised. Author and URL
   values are never looked up on plain objects (a service named "constructor" or "__proto__" would find
   Object.prototype's): Map and Set, or an own-property check. */
(function () {
  "use strict";

  // --- helpers ----------------------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function metaUrl(name) {
    var meta = document.querySelector('meta[name="' + name + '"]');
    return meta ? new URL(meta.getAttribute("content"), document.baseURI) : null;
  }
  function words(text) {
    return String(text || "").toLowerCase().split(/\s+/).filter(Boolean);
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function own(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  // --- search: a dialog over the Pagefind index ---------------------------------------------------

  var FACETS = [["severity", "Severity"], ["category", "Root cause"], ["service", "Service"], ["year", "Year"]];
  var SHOWN_VALUES = 6;
  var search = null;

  function searchBox() {
    if (search) return search;
    var base = metaUrl("pmsite:search");
    if (!base) return null;
    var dialog = el("dialog", { "class": "pm-search", "aria-labelledby": "pm-search-title" });
    dialog.innerHTML =
      '<div class="pm-search__bar" role="search">' +
      '<h2 id="pm-search-title" class="pm-visually-hidden">Search the knowledge base</h2>' +
      '<label for="pm-search-input" class="pm-visually-hidden">Search incidents and pages</label>' +
      '<input id="pm-search-input" class="pm-search__input" type="search" placeholder="Search incidents and pages" autocomplete="off" spellcheck="false">' +
      '<button type="button" class="pm-search__close md-button">Close</button></div>' +
      '<div class="pm-search__body">' +
      '<details class="pm-search__facets" open><summary>Narrow the results</summary><div class="pm-search__facet-list"></div></details>' +
      '<div class="pm-search__main"><p class="pm-search__status" role="status" aria-live="polite"></p>' +
      '<ol class="pm-search__results"></ol>' +
      '<button type="button" class="pm-search__more md-button" hidden>Show more results</button></div></div>';
    document.body.appendChild(dialog);
    search = {
      dialog: dialog,
      input: dialog.querySelector("input"),
      status: dialog.querySelector(".pm-search__status"),
      list: dialog.querySelector(".pm-search__results"),
      more: dialog.querySelector(".pm-search__more"),
      facets: dialog.querySelector(".pm-search__facet-list"),
      facetBox: dialog.querySelector(".pm-search__facets"),
      base: base,
      api: null,
      facetIndex: null,
      chosen: new Map(),  // facet name -> Set of the values chosen
      results: [],
      shown: 0,
      serial: 0,
      lastFilters: null
    };
    dialog.querySelector(".pm-search__close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    // Escape closes the dialog at once, even from the search field (whose own Escape would only clear it)
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); dialog.close(); }
    });
    var timer = null;
    search.input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(runSearch, 60);
    });
    search.more.addEventListener("click", function () { showMore(search.serial); });
    if (window.matchMedia && window.matchMedia("(max-width: 44.9375em)").matches) search.facetBox.open = false;
    return search;
  }

  function loadIndex() {
    var s = searchBox();
    if (!s.api) {
      s.api = import(new URL("pagefind.js", s.base).href).then(function (api) {
        var root = new URL("../", s.base).pathname;
        return Promise.resolve(api.options({ baseUrl: root, excerptLength: 24 })).then(function () {
          return api.init();
        }).then(function () {
          // filters() loads the facet index (without it searches report no facet counts); it loads
          // beside the first search rather than before it
          s.facetIndex = Promise.resolve(api.filters());
          return api;
        });
      });
    }
    return s.api;
  }

  function openSearch() {
    var s = searchBox();
    if (!s) return;
    loadIndex();
    if (!s.dialog.open) s.dialog.showModal();
    s.input.focus();
    s.input.select();
  }

  function chosenFilters() {
    var filters = {};
    search.chosen.forEach(function (values, name) {
      if (values.size) filters[name] = { any: Array.from(values) };
    });
    return filters;
  }

  function runSearch() {
    var s = search;
    var term = s.input.value.trim();
    var serial = ++s.serial;
    var filters = chosenFilters();
    if (!term && !Object.keys(filters).length) {
      s.list.textContent = "";
      s.status.textContent = "";
      s.facets.textContent = "";
      s.more.hidden = true;
      answered(serial, "");
      return;
    }
    s.status.textContent = "Searching…";
    s.list.setAttribute("aria-busy", "true");
    loadIndex().then(function (api) {
      return Promise.all([api.search(term || null, { filters: filters, sort: term ? undefined : { date: "desc" } }), s.facetIndex]);
    }).then(function (answers) {
      var found = answers[0];
      if (serial !== s.serial || !found) return;
      s.results = found.results;
      s.shown = 0;
      s.list.textContent = "";
      renderFacets(found.filters || {});
      s.status.textContent = found.results.length ? plural(found.results.length, "result", "results") : "No results. Try fewer or other words.";
      return showMore(serial).then(function () { answered(serial, term); });
    }).catch(function () {
      if (serial === s.serial) s.status.textContent = "Search is not available: the index did not load.";
      answered(serial, term);
    });
  }

  // The list says when it is complete and which search it answers: typing runs a search per key.
  function answered(serial, term) {
    var s = search;
    if (serial !== s.serial) return;
    s.list.setAttribute("aria-busy", "false");
    s.list.setAttribute("data-query", term);
    s.list.setAttribute("data-answer", String(serial));
  }

  function showMore(serial) {
    var s = search;
    var batch = s.results.slice(s.shown, s.shown + 10);
    s.shown += batch.length;
    s.more.hidden = s.shown >= s.results.length;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
      if (serial !== s.serial) return;
      items.forEach(function (item) { s.list.appendChild(resultItem(item)); });
    });
  }

  function resultItem(item) {
    var meta = item.meta || {};
    var li = el("li", { "class": "pm-search__result" });
    var a = el("a", { href: item.url }, meta.title || item.url);
    li.appendChild(a);
    var facts = [meta.id, meta.date, meta.severity].filter(Boolean);
    if (facts.length) li.appendChild(el("p", { "class": "pm-search__facts" }, facts.join(" · ")));
    var excerpt = el("p", { "class": "pm-search__excerpt" });
    excerptWords(item).forEach(function (word, i) {
      if (i) excerpt.appendChild(document.createTextNode(" "));
      excerpt.appendChild(word[1] ? el("mark", {}, word[0]) : document.createTextNode(word[0]));
    });
    li.appendChild(excerpt);
    return li;
  }

  // Pagefind's excerpt is not HTML: it is words of its raw_content (the indexed text with only "<" and ">"
  // written as "&lt;" and "&gt;") joined by spaces, the matches wrapped in <mark>. Read as HTML, an
  // author's "&region=eu" would show as "®ion=eu". So each word of it is shown as the text it stands for:
  // the word at the same place in the indexed text itself. Returns [text, matched] pairs.
  var PAGEFIND_WORDS = /[\r\n\s]+/g;  // how Pagefind splits a text into words
  function excerptWords(item) {
    var tokens = String(item.excerpt || "").split(" ").filter(Boolean).map(function (t) {
      var m = /^<mark>([\s\S]*)<\/mark>$/.exec(t);
      return m ? [m[1], true] : [t, false];
    });
    var raw = item.raw_content, text = item.content;
    if (typeof raw === "string" && typeof text === "string" && raw.indexOf("\u200B") < 0) {
      var rawWords = raw.split(PAGEFIND_WORDS), textWords = text.split(PAGEFIND_WORDS);
      if (rawWords.length === textWords.length) {
        for (var p = 0; p + tokens.length <= rawWords.length; p++) {
          var k = 0;
          while (k < tokens.length && rawWords[p + k] === tokens[k][0]) k++;
          if (k === tokens.length) return tokens.map(function (t, i) { return [textWords[p + i], t[1]]; });
        }
      }
    }
    // a text Pagefind split at zero-width spaces: undo the escaping it did, and no more
    return tokens.map(function (t) { return [t[0].replace(/&lt;/g, "<").replace(/&gt;/g, ">"), t[1]]; });
  }

  // Facet values reach Pagefind with '%', '"' and '\\' percent-encoded (records.py: facet_value)
  function facetLabel(value) {
    try { return decodeURIComponent(value); } catch (e) { return value; }
  }

  function renderFacets(counts) {
    var s = search;
    s.facets.textContent = "";
    FACETS.forEach(function (pair) {
      var name = pair[0];
      var values = own(counts, name) ? counts[name] : {};
      var chosen = s.chosen.get(name) || new Set();
      var count = function (v) { return own(values, v) ? values[v] : 0; };
      var keys = Object.keys(values).filter(function (v) { return values[v] > 0 || chosen.has(v); });
      chosen.forEach(function (v) { if (!own(values, v)) keys.push(v); });  // chosen, and no longer counted: can be unchosen
      if (!keys.length) return;
      keys.sort(function (a, b) {
        if (name === "year") return a < b ? 1 : -1;
        return (count(b) - count(a)) || (a < b ? -1 : 1);
      });
      var set = el("fieldset", { "class": "pm-facet" });
      set.appendChild(el("legend", {}, pair[1]));
      var list = el("ul");
      keys.forEach(function (value, i) {
        var id = "pm-facet-" + name + "-" + i;
        var item = el("li");
        if (i >= SHOWN_VALUES && !chosen.has(value)) item.hidden = true;
        var box = el("input", { type: "checkbox", id: id });
        box.checked = chosen.has(value);
        box.addEventListener("change", function () {
          if (!s.chosen.has(name)) s.chosen.set(name, new Set());
          if (box.checked) s.chosen.get(name).add(value);
          else s.chosen.get(name).delete(value);
          runSearch();
        });
        var label = el("label", { "for": id });
        label.appendChild(document.createTextNode(facetLabel(value) + " "));
        label.appendChild(el("span", { "class": "pm-count" }, String(count(value))));
        item.appendChild(box);
        item.appendChild(label);
        list.appendChild(item);
      });
      set.appendChild(list);
      if (keys.length > SHOWN_VALUES) {
        var all = el("button", { type: "button", "class": "pm-facet__all" }, "Show all " + keys.length);
        all.addEventListener("click", function () {
          Array.prototype.forEach.call(list.children, function (li) { li.hidden = false; });
          all.remove();
        });
        set.appendChild(all);
      }
      s.facets.appendChild(set);
    });
  }

  // Once the page has loaded and the browser is idle, load the search engine and its small
  // index files (about 350 KB at 10,000 incidents, cached for every other page): the first
  // search then answers in a fraction of the time. Not when the reader asks to save data.
  function preloadWhenIdle() {
    if (navigator.connection && navigator.connection.saveData) return;
    var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 200); };
    var start = function () {
      idle(function () {
        loadIndex().catch(function () { search.api = null; });  // a search will try again, and say so if it fails
      }, { timeout: 3000 });
    };
    if (document.readyState === "complete") start();
    else window.addEventListener("load", start, { once: true });
  }

  function setupSearch() {
    if (!metaUrl("pmsite:search")) return;
    var inner = document.querySelector(".md-header__inner");
    if (inner && !inner.querySelector(".pm-search-button")) {
      var button = el("button", { type: "button", "class": "md-header__button pm-search-button", "aria-label": "Search", "aria-haspopup": "dialog", "aria-keyshortcuts": "/" });
      button.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20"><path fill="currentColor" d="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg><span class="pm-search-button__label">Search</span>';
      button.addEventListener("click", openSearch);
      // a pointer on the button, a finger on it or focus reaching it: start loading the index then
      ["pointerenter", "touchstart", "focus"].forEach(function (type) {
        button.addEventListener(type, loadIndex, { once: true, passive: true });
      });
      var before = inner.querySelector(".md-header__source");
      inner.insertBefore(button, before);
    }
    preloadWhenIdle();
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && (event.key === "/" || event.key === "s")) {
        event.preventDefault();
        openSearch();
      }
    });
  }

  // --- listings: the catalog and open actions ----------------------------------------------------

  var PAGE = 100;

  var KINDS = {
    catalog: {
      noun: ["incident", "incidents"],
      match: function (row, q, data) {
        if (q.severity && data.severities[row[3]][0] !== q.severity) return false;
        if (q.category && row[4].indexOf(data.index.categories.get(q.category)) < 0) return false;
        if (q.service && row[5].indexOf(data.index.services.get(q.service)) < 0) return false;
        if (q.team && row[6].indexOf(data.index.teams.get(q.team)) < 0) return false;
        if (q.tag && row[7].indexOf(data.index.tags.get(q.tag)) < 0) return false;
        if (q.year && row[2].slice(0, 4) !== q.year) return false;
        if (q.near_miss && (q.near_miss === "yes") !== (row[8] === 1)) return false;
        if (q.actions === "open" && !row[9]) return false;
        if (q.actions === "overdue" && !row[10]) return false;
        if (q.words.length) {
          var hay = (row[0] + " " + row[1] + " " + row[5].map(function (i) { return data.services[i][0]; }).join(" ")).toLowerCase();
          for (var i = 0; i < q.words.length; i++) if (hay.indexOf(q.words[i]) < 0) return false;
        }
        return true;
      },
      sorts: {
        oldest: function (a, b) { return a.i === b.i ? 0 : (a.row[2] < b.row[2] ? -1 : a.row[2] > b.row[2] ? 1 : b.i - a.i); },
        severity: function (a, b) { return (a.row[3] - b.row[3]) || (a.i - b.i); },
        duration: function (a, b) { return (b.row[11] - a.row[11]) || (a.i - b.i); }
      },
      fill: function (tr, row, data, root) {
        var slot = function (name) { return tr.querySelector('[data-slot="' + name + '"]'); };
        slot("date").textContent = row[2];
        slot("title").textContent = row[1];
        slot("title").setAttribute("href", root + row[13]);
        slot("id").textContent = row[0];
        slot("near_miss").hidden = row[8] !== 1;
        var sev = data.severities[row[3]] || ["", "", ""];
        slot("severity").textContent = sev[1];
        slot("severity").className = "pm-sev " + sev[2];
        links(slot("categories"), row[4].map(function (i) { return data.categories[i]; }), root, root + row[13] + "#root-causes");
        links(slot("services"), row[5].map(function (i) { return data.services[i]; }), root, root + row[13] + "#details");
        slot("duration").textContent = row[12];
        slot("open").textContent = row[9];
        slot("overdue").textContent = row[10];
        slot("overdue_sep").textContent = row[9] && row[10] ? ", " : "";
        slot("no_actions").textContent = row[9] || row[10] ? "" : "—";
      }
    },
    actions: {
      noun: ["open action item", "open action items"],
      match: function (row, q, data) {
        if (q.owner && data.owners[row[3]] !== q.owner) return false;
        if (q.team && row[4].indexOf(data.index.teams.get(q.team)) < 0) return false;
        if (q.priority && data.priorities[row[5]] !== q.priority) return false;
        if (q.status && data.statuses[row[6]] !== q.status) return false;
        if (q.when && row[8] !== q.when) return false;
        if (q.words.length) {
          var hay = (row[0] + " " + row[2].replace(/<[^>]*>/g, "") + " " + data.owners[row[3]] + " " + row[10] + " " + row[11]).toLowerCase();
          for (var i = 0; i < q.words.length; i++) if (hay.indexOf(q.words[i]) < 0) return false;
        }
        return true;
      },
      sorts: {
        due: function (a, b) { return (a.row[7] < b.row[7] ? -1 : a.row[7] > b.row[7] ? 1 : 0) || (a.i - b.i); },
        priority: function (a, b) { return (a.row[5] - b.row[5]) || (a.i - b.i); }
      },
      fill: function (tr, row, data, root) {
        var slot = function (name) { return tr.querySelector('[data-slot="' + name + '"]'); };
        tr.className = row[8] ? "pm-action--" + row[8] : "";
        slot("due").textContent = row[7];
        slot("late").hidden = row[8] !== "overdue";
        slot("late").textContent = row[8] === "overdue" ? row[9] : "";
        slot("soon").hidden = row[8] !== "soon";
        slot("soon").textContent = row[8] === "soon" ? row[9] : "";
        slot("id").textContent = row[0];
        slot("description").innerHTML = row[2]; // sanitised by the build (nh3), as on the static pages
        slot("owner").textContent = data.owners[row[3]];
        slot("priority").textContent = data.priorities[row[5]];
        slot("status").textContent = data.statuses[row[6]];
        slot("incident").setAttribute("href", root + row[12] + "#" + row[1]);
        slot("incident_id").textContent = row[10];
        slot("incident_title").textContent = row[11];
      }
    }
  };

  // A cell of names (root causes, services) as partials/rows.html writes it: up to data-pm-shown of them,
  // or one fewer and "+N more" to the incident page, which lists them all; so a row stays a row.
  function links(cell, pairs, root, more) {
    var most = parseInt(cell.getAttribute("data-pm-shown"), 10) || pairs.length;
    var shown = pairs.length <= most ? pairs.length : most - 1;
    var noun = cell.getAttribute("data-pm-noun") || "";
    cell.textContent = "";
    pairs.slice(0, shown).forEach(function (pair, i) {
      if (i) cell.appendChild(document.createTextNode(", "));
      cell.appendChild(el("a", { href: root + pair[1] }, pair[0]));
    });
    if (pairs.length > shown) {
      cell.appendChild(document.createTextNode(" "));
      var a = el("a", { "class": "pm-more", href: more }, "+" + (pairs.length - shown) + " more");
      a.appendChild(el("span", { "class": "pm-visually-hidden" }, " " + noun));
      cell.appendChild(a);
    }
  }

  function indexOf(names) {
    var out = new Map();
    names.forEach(function (n, i) { out.set(Array.isArray(n) ? n[0] : n, i); });
    return out;
  }

  function setupListing(form) {
    if (form.dataset.pmReady) return;
    form.dataset.pmReady = "1";
    var kind = own(KINDS, form.dataset.pmList) ? KINDS[form.dataset.pmList] : null;
    var table = document.querySelector("table[data-pm-rows]");
    var template = document.querySelector("template[data-pm-row]");
    if (!kind || !table || !template) return;
    var tbody = table.tBodies[0];
    var status = document.querySelector("[data-pm-status]");
    var pager = document.querySelector("[data-pm-pager]");
    if (!pager) {
      pager = el("nav", { "class": "pm-pager", "aria-label": "Pages of this list", "data-pm-pager": "" });
      template.parentNode.insertBefore(pager, template.nextSibling);
    }
    var staticPager = pager.innerHTML;
    var staticRows = tbody.innerHTML;
    var staticStatus = status ? status.textContent : "";
    var root = new URL(form.dataset.pmRoot || "./", document.baseURI).pathname;
    var source = new URL(form.dataset.pmData, document.baseURI).href;
    var names = Array.prototype.map.call(form.elements, function (e) { return e.name; }).filter(Boolean);
    var data = null;
    var loading = null;
    form.hidden = false;

    function load() {
      if (!loading) {
        loading = fetch(source).then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        }).then(function (json) {
          json.index = {};
          ["categories", "services", "teams", "tags"].forEach(function (k) { json.index[k] = indexOf(own(json, k) ? json[k] : []); });
          data = json;
          return json;
        });
      }
      return loading;
    }
    form.addEventListener("focusin", load, { once: true });
    form.addEventListener("pointerdown", load, { once: true });

    function readUrl() {
      var params = new URLSearchParams(location.search);
      var q = {};
      names.forEach(function (n) { q[n] = params.get(n) || ""; });
      q.page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
      return q;
    }
    // A value the URL gives that a select does not offer (a renamed service in a shared link) stays in
    // the form, as an option marked "not found": the form says what the list shows. A filter with such
    // a value matches nothing, an unknown sort leaves the list in its first order, and the status says so.
    function field(n) { return form.elements.namedItem(n); }
    function offers(select, value) {
      return Array.prototype.some.call(select.options, function (o) { return o.value === value && !o.hasAttribute("data-pm-missing"); });
    }
    function dropMissing(select, keep) {
      Array.prototype.slice.call(select.querySelectorAll("option[data-pm-missing]")).forEach(function (o) {
        if (o.value !== keep) o.remove();
      });
    }
    function writeForm(q) {
      names.forEach(function (n) {
        var f = field(n);
        if (!f) return;
        var value = q[n] || "";
        if (f.tagName === "SELECT") {
          dropMissing(f, value);
          if (value && !offers(f, value) && !f.querySelector("option[data-pm-missing]")) {
            f.appendChild(el("option", { value: value, "data-pm-missing": "" }, value + " (not found)"));
          }
        }
        f.value = value;
      });
    }
    function notFound(q) {  // [name, label, value] of each value from the URL that its select does not offer
      var out = [];
      names.forEach(function (n) {
        var f = field(n);
        if (!f || f.tagName !== "SELECT" || !q[n] || offers(f, q[n])) return;
        var label = form.querySelector('label[for="' + f.id + '"]');
        out.push([n, label ? label.textContent : n, q[n]]);
      });
      return out;
    }
    function readForm(page) {
      var q = {};
      names.forEach(function (n) { q[n] = field(n).value; });
      q.page = page || 1;
      return q;
    }
    function active(q) { return names.some(function (n) { return q[n]; }) || q.page > 1; }
    function urlFor(q) {
      var params = new URLSearchParams();
      names.forEach(function (n) { if (q[n]) params.set(n, q[n]); });
      if (q.page > 1) params.set("page", String(q.page));
      var text = params.toString();
      return location.pathname + (text ? "?" + text : "") + location.hash;
    }

    function render(q) {
      if (!active(q)) {  // the static page as built: nothing to download
        tbody.innerHTML = staticRows;
        pager.innerHTML = staticPager;
        if (status) status.textContent = staticStatus;
        return Promise.resolve();
      }
      if (status && !data) status.textContent = "Loading…";
      return load().then(function (json) {
        q.words = words(q.q);
        var lost = notFound(q);
        var hits = [];
        if (!lost.some(function (l) { return l[0] !== "sort"; })) {
          json.rows.forEach(function (row, i) { if (kind.match(row, q, json)) hits.push({ row: row, i: i }); });
        }
        var order = own(kind.sorts, q.sort) ? kind.sorts[q.sort] : null;
        if (order) hits.sort(order);
        var pages = Math.max(1, Math.ceil(hits.length / PAGE));
        var page = Math.min(q.page, pages);
        var shown = hits.slice((page - 1) * PAGE, page * PAGE);
        var fragment = document.createDocumentFragment();
        shown.forEach(function (hit) {
          var tr = template.content.firstElementChild.cloneNode(true);
          kind.fill(tr, hit.row, json, root);
          fragment.appendChild(tr);
        });
        tbody.textContent = "";
        tbody.appendChild(fragment);
        if (status) {
          status.textContent = hits.length
            ? plural(hits.length, kind.noun[0], kind.noun[1]) + " of " + json.rows.length + " match" + (hits.length === 1 ? "es" : "") +
              (pages > 1 ? "; showing " + ((page - 1) * PAGE + 1) + " to " + ((page - 1) * PAGE + shown.length) + "." : ".")
            : "No " + kind.noun[1] + " match these filters.";
          if (lost.length) {
            status.textContent += " Not found in this list: " +
              lost.map(function (l) { return l[1] + " \u201c" + l[2] + "\u201d"; }).join(", ") + ".";
          }
        }
        renderPager(q, page, pages);
      }).catch(function () {
        if (status) status.textContent = "The filters could not load their data; the list below is this page as built.";
      });
    }

    function renderPager(q, page, pages) {
      pager.textContent = "";
      if (pages < 2) return;
      var p = el("p", { "class": "pm-pager__steps" });
      function step(n, text, rel) {
        var a = el("a", { "class": "md-button", href: urlFor(Object.assign({}, q, { page: n })), rel: rel }, text);
        a.addEventListener("click", function (event) {
          event.preventDefault();
          go(Object.assign(readForm(n)), true);
          table.scrollIntoView({ block: "start" });
        });
        p.appendChild(a);
      }
      if (page > 1) step(page - 1, "Previous page", "prev");
      p.appendChild(el("span", { "class": "pm-pager__where" }, "Page " + page + " of " + pages));
      if (page < pages) step(page + 1, "Next page", "next");
      pager.appendChild(p);
    }

    function go(q, push) {
      var url = urlFor(q);
      if (url !== location.pathname + location.search + location.hash) {
        history[push ? "pushState" : "replaceState"]({ pmsite: true }, "", url);
      }
      return render(q);
    }

    var typing = null;
    form.addEventListener("input", function (event) {
      if (event.target.tagName !== "INPUT") return;
      clearTimeout(typing);
      typing = setTimeout(function () { go(readForm(1), false); }, 120);
    });
    form.addEventListener("change", function (event) {
      if (event.target.tagName !== "SELECT") return;
      dropMissing(event.target, event.target.value);
      go(readForm(1), true);
    });
    form.addEventListener("reset", function () {
      setTimeout(function () {
        Array.prototype.slice.call(form.querySelectorAll("option[data-pm-missing]")).forEach(function (o) { o.remove(); });
        go(readForm(1), true);
      }, 0);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); go(readForm(1), true); });
    window.addEventListener("popstate", function () {
      var q = readUrl();
      writeForm(q);
      render(q);
    });
    var initial = readUrl();
    writeForm(initial);
    var box = form.querySelector("details");
    if (box && !active(initial) && window.matchMedia && window.matchMedia("(max-width: 44.9375em)").matches) box.open = false;
    if (active(initial)) render(initial);
  }

  function setup() {
    setupSearch();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-pm-list]"), setupListing);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
