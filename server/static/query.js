/* The query page: YASGUI (shipped in vendor/) on /sparql, pre-loaded with the query library.

A library query's typed parameters get a form (filled with their defaults); on run, the values
go to /sparql as library=<name>&param.<name>=<value>, which the server binds into the query as
variables: the query text is never edited with them. The page's address is a permalink:
/query?library=<name>&param.<name>=<value> for a library query, #query=<text> (YASGUI's own
share-link form) for a query typed by hand. */
(function () {
  "use strict";
  var library = JSON.parse(document.getElementById("library-data").textContent);
  var select = document.getElementById("library-select");
  var description = document.getElementById("library-description");
  var paramsForm = document.getElementById("library-params");
  var permalink = document.getElementById("permalink");
  var endpoint = new URL("/sparql", window.location.href).href;
  var current = null; // the library query whose parameters are bound, or null
  var INPUT_TYPES = { date: "date", integer: "number", decimal: "number", year: "number" };

  function byName(name) {
    return library.queries.filter(function (q) { return q.name === name; })[0];
  }

  function paramValues() {
    var values = [];
    if (!current) { return values; }
    current.parameters.forEach(function (p) {
      var input = document.getElementById("param-" + p.name);
      if (input && input.value.trim() !== "") {
        values.push({ name: "param." + p.name, value: input.value.trim() });
      }
    });
    return values;
  }

  // Results readable: a literal shows its value (datatype and language in its tooltip, a
  // datatype outside XSD as a small note), and an IRI of this knowledge graph opens the local
  // resource page in the same window instead of https://w3id.org/… off-site.
  var OWN = "https://w3id.org/bpss-kg/";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }
  function shortName(iri, prefixes) {
    for (var prefix in prefixes || {}) {
      if (iri.indexOf(prefixes[prefix]) === 0) { return prefix + ":" + iri.slice(prefixes[prefix].length); }
    }
    return iri;
  }
  function localHref(iri) {
    return "/resource?" + new URLSearchParams(
      library.lang === "en" ? { iri: iri, lang: "en" } : { iri: iri }).toString();
  }
  var Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
  if (Table) {
    // Cells in full by default: a shortened cell swallows the first click on its link.
    var draw = Table.prototype.draw;
    Table.prototype.draw = function (config) {
      var settings = Object.assign({}, config || {});
      if (settings.isEllipsed === undefined) { settings.isEllipsed = false; }
      return draw.call(this, settings);
    };
    Table.prototype.getCellContent = function (binding, prefixes) {
      if (binding.type === "uri") {
        var own = binding.value.indexOf(OWN) === 0;
        return "<div><a class='iri' href='" + escapeHtml(own ? localHref(binding.value) : binding.value) +
          "'" + (own ? "" : " target='_blank' rel='noopener noreferrer'") + " title='" +
          escapeHtml(binding.value) + "'>" + escapeHtml(shortName(binding.value, prefixes)) + "</a></div>";
      }
      var note = binding["xml:lang"] ? "@" + binding["xml:lang"] : binding.datatype || "";
      var extra = binding.datatype && binding.datatype.indexOf(XSD) !== 0
        ? " <small class='datatype'>" + escapeHtml(shortName(binding.datatype, prefixes)) + "</small>" : "";
      return "<div><span class='nonIri'" + (note ? " title='" + escapeHtml(note) + "'" : "") + ">" +
        escapeHtml(binding.value) + "</span>" + extra + "</div>";
    };
  }

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      args: []
    },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    // No autocompletion: its prefix and vocabulary look-ups call outside services
    // (prefix.cc, LOV), which a government network will not reach.
    yasqe: { autocompleters: [] },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } }
  });

  function tab() { return yasgui.getTab(); }

  // Every input YASGUI draws gets an accessible name (it draws the endpoint box, the query
  // text area, tab names and the results' filter and page-size controls without labels).
  var names = library.inputNames || {};
  function nameOf(el) {
    if (el.closest(".CodeMirror")) { return names.query; }
    if (el.closest(".tabName, .tab")) { return names.tab; }
    if (el.closest(".autocompleteWrapper, .controlbar") || /endpoint/i.test(el.className)) { return names.endpoint; }
    if (el.tagName === "SELECT") { return names.pageSize; }
    if (el.type === "search" || el.closest(".dataTables_filter, .dt-search, .tableFilter")) { return names.filter; }
    return el.placeholder || names.field;
  }
  function labelInputs() {
    document.querySelectorAll("#yasgui input, #yasgui textarea, #yasgui select").forEach(function (el) {
      if (el.getAttribute("aria-label") || (el.id && document.querySelector("label[for='" + el.id + "']"))) { return; }
      el.setAttribute("aria-label", nameOf(el));
    });
  }
  labelInputs();
  new MutationObserver(labelInputs).observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  function updatePermalink() {
    // The request's extra arguments follow the form (YASGUI reads them from the tab).
    tab().setRequestConfig({
      args: current ? [{ name: "library", value: current.name }].concat(paramValues()) : []
    });
    var params = new URLSearchParams();
    if (library.lang === "en") { params.set("lang", "en"); }
    var text = tab().getQuery();
    var address = window.location.pathname;
    if (current && text === current.query) {
      params.set("library", current.name);
      paramValues().forEach(function (v) { params.set(v.name, v.value); });
      address += "?" + params.toString();
    } else {
      if (current) { params.set("library", current.name); paramValues().forEach(function (v) { params.set(v.name, v.value); }); }
      var query = params.toString();
      address += (query ? "?" + query : "") + "#" + new URLSearchParams({ query: text }).toString();
    }
    permalink.href = address;
    window.history.replaceState(null, "", address);
  }

  function showDescription(query) {
    description.textContent = "";
    var para = document.createElement("p");
    para.textContent = query.description[library.lang] || query.description.zh || "";
    description.appendChild(para);
    var api = document.createElement("a");
    api.href = "/api/queries/" + encodeURIComponent(query.name);
    api.textContent = library.api + ": /api/queries/" + query.name;
    description.appendChild(api);
  }

  function showParams(query, given) {
    paramsForm.textContent = "";
    paramsForm.hidden = !query.parameters.length;
    if (!query.parameters.length) { return; }
    var legend = document.createElement("p");
    legend.className = "muted";
    legend.textContent = library.params + " — " + library.bound;
    paramsForm.appendChild(legend);
    query.parameters.forEach(function (p) {
      var row = document.createElement("div");
      row.className = "param";
      var label = document.createElement("label");
      label.htmlFor = "param-" + p.name;
      label.textContent = "?" + p.name + " (" + (p.type_label || p.type) + (p.required ? ", " + library.required : "") + ")";
      var input = document.createElement("input");
      input.id = "param-" + p.name;
      input.name = p.name;
      input.type = INPUT_TYPES[p.type] || "text";
      if (p.type === "decimal") { input.step = "any"; }
      if (p.type === "place") { input.placeholder = "370502"; input.inputMode = "numeric"; }
      input.required = !!p.required;
      var value = given && given[p.name] !== undefined ? given[p.name] : p.default;
      if (value !== null && value !== undefined) { input.value = value; }
      input.addEventListener("input", updatePermalink);
      row.appendChild(label);
      row.appendChild(input);
      if (p.description) {
        var help = document.createElement("small");
        help.textContent = p.description;
        row.appendChild(help);
      }
      paramsForm.appendChild(row);
    });
    var run = document.createElement("button");
    run.type = "submit";
    run.textContent = library.run;
    paramsForm.appendChild(run);
  }

  function load(name, given, text) {
    var query = byName(name);
    if (!query) { // "—": a query of one's own, nothing bound
      current = null;
      paramsForm.hidden = true;
      description.textContent = "";
      updatePermalink();
      return;
    }
    current = query;
    select.value = name;
    tab().setQuery(text || query.query);
    showDescription(query);
    showParams(query, given);
    updatePermalink();
  }

  paramsForm.addEventListener("submit", function (event) {
    event.preventDefault();
    tab().query();
  });
  select.addEventListener("change", function () { load(select.value); });
  tab().getYasqe().on("change", updatePermalink);

  // Opened from a permalink or a YASGUI share link?
  var search = new URLSearchParams(window.location.search);
  var hash = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  var given = {};
  search.forEach(function (value, key) {
    if (key.indexOf("param.") === 0) { given[key.slice(6)] = value; }
  });
  var shared = hash.get("query");
  var named = search.get("library");
  if (named && byName(named)) {
    load(named, given, shared);
  } else if (shared) {
    select.value = "";
    current = null;
    tab().setQuery(shared);
    paramsForm.hidden = true;
    updatePermalink();
  } else {
    load(select.value);
  }
})();
