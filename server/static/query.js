/* The query page: YASGUI (shipped in vendor/) on /sparql, pre-loaded with the query library. */
(function () {
  "use strict";
  var library = JSON.parse(document.getElementById("library-data").textContent);
  var select = document.getElementById("library-select");
  var description = document.getElementById("library-description");
  var endpoint = new URL("/sparql", window.location.href).href;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    // No autocompletion: its prefix and vocabulary look-ups call outside services
    // (prefix.cc, LOV), which a government network will not reach.
    yasqe: { autocompleters: [] },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } }
  });

  function byName(name) {
    return library.queries.filter(function (q) { return q.name === name; })[0];
  }

  function show(query) {
    description.textContent = "";
    var text = query.description[library.lang] || query.description.zh || "";
    var para = document.createElement("p");
    para.textContent = text;
    description.appendChild(para);
    if (query.parameters.length) {
      var params = document.createElement("p");
      params.textContent = library.params + ": " + query.parameters.map(function (p) {
        return "?" + p.name + " (" + p.type + (p.required ? ", required" : "") + ")" +
          (p.description ? " — " + p.description : "");
      }).join("; ") + ". " + library.unbound;
      description.appendChild(params);
    }
    var api = document.createElement("a");
    api.href = "/api/queries/" + encodeURIComponent(query.name);
    api.textContent = library.api + ": /api/queries/" + query.name;
    description.appendChild(api);
  }

  function load(name) {
    var query = byName(name);
    if (!query) { return; }
    var tab = yasgui.getTab();
    tab.setQuery(query.query);
    show(query);
  }

  select.addEventListener("change", function () { load(select.value); });
  load(select.value);
})();
