"""A remote SPARQL 1.1 store (Query + Update, and the Graph Store Protocol where the server has
one), behind the same ``Store`` protocol as the embedded store.

Answers come back as pyoxigraph objects (``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``)
so that every caller works unchanged.

What a remote server can and cannot guarantee
----------------------------------------------
* ``load`` parses and checks every document locally first: a syntax error writes nothing. The
  graphs are then written one request per graph. A SPARQL server gives no transaction across
  requests, so a network or server failure half-way leaves the graphs before it written and the
  rest not: the error names both lists. Loading again is safe (adding a triple twice changes
  nothing; blank nodes are the exception, they are fresh each time).
* ``replace_graph`` is one request (a Graph Store ``PUT``, or ``DROP`` + ``INSERT`` in one
  update request). Whether a reader can see the graph half-replaced depends on the server
  (Virtuoso 7 runs one update request in one transaction; its Graph Store ``PUT`` deletes and
  loads in one).
* The default graph: bpss-kg keeps everything in named graphs and queries the union of them as
  the default graph. Virtuoso answers a query without ``FROM`` with the union of all its graphs,
  which also holds its own system graphs (``virtrdf#`` and others); they are left out of
  queries with ``DEFINE input:default-graph-exclude`` / ``named-graph-exclude``. Virtuoso 7.2
  then answers nothing for a constant ``GRAPH <iri> {…}``, so a query that names a graph (or
  has ``FROM``) is sent without them: its default-graph patterns can then also match the few
  thousand system triples. ``named_graphs()`` and ``len()`` always leave them out. Other servers
  must be configured to answer with the union (Fuseki: ``tdb2:unionDefaultGraph true``; GraphDB
  and Stardog do it by default). Triples outside named graphs are refused on a remote store.
* Virtuoso stores numbers by value: ``"96.0"^^xsd:decimal`` comes back as
  ``"96"^^xsd:integer``, ``"012"^^xsd:integer`` as ``"12"``, and language tags in lower case.
  ``numeric_canonical`` (below) is the comparison that survives this.
* Virtuoso caps result rows at ``[SPARQL] ResultSetMaxRows`` (10000 in Debian's ini); raise it
  (see docs/deployment.md), or ``quads()`` of a large graph over SPARQL would be cut short.
"""

from __future__ import annotations

import base64
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import IO

import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
)

from ..errors import BadInput, Location, QueryTimeout, StoreError
from ..input_bounds import bounded, check_document
from .base import GraphName, LoadSource, Progress, QueryResult, Term

NO_DEFAULT_GRAPH = "urn:x-bpss-kg:no-default-graph"
"""Sent as the only default graph when a caller asks for the default graph proper, which a
remote bpss-kg store keeps empty."""

VIRTUOSO_SYSTEM_PREFIXES = (
    "http://www.openlinksw.com/schemas/",
    "http://www.w3.org/ns/ldp#",
    "http://localhost:8890/",
    "http://www.w3.org/2002/07/owl#",
)
"""Graphs Virtuoso creates for itself (metadata, LDP, service description, DAV)."""

_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOKENS = re.compile(
    r'(?P<comment>#[^\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<open>\{)|(?P<close>\})'
    r'|(?P<word>[A-Za-z_][A-Za-z0-9_]*)',
    re.DOTALL,
)
_MASK = re.compile(  # IRIs, comments and strings, blanked before looking for keywords
    r'<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*'
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.DOTALL)
_NAMES_A_GRAPH = re.compile(r"\b(GRAPH\s+(?![?$])|FROM\b)", re.IGNORECASE)
_BNODE_XML = re.compile(rb"<bnode>([^<]*)</bnode>")
_BNODE_NT = re.compile(rb"_:([^\s.;,]+)")
_QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
_NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in (
    "decimal", "integer", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte")}
_XSD_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def render_term(name: str, term: Term) -> str:
    """A bound value as SPARQL text: serialized by pyoxigraph from a typed term, never a string
    from the user."""
    if not _VARNAME.match(name):
        raise BadInput(f"not a SPARQL variable name: {name!r}")
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)
    raise BadInput(f"?{name}: a {type(term).__name__} cannot be bound in a query to a remote "
                   "store (only IRIs and literals)")


def with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """The query with a ``VALUES`` block of the bindings as the first element of its WHERE
    group: joined before anything else in the group, which equals substitution for the
    patterns, OPTIONALs, FILTERs and aggregates the project's queries use."""
    if not bindings:
        return sparql
    names = list(bindings)
    row = " ".join(render_term(n, bindings[n]) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "
    form: str | None = None
    depth = 0
    skip_template = False
    for match in _TOKENS.finditer(sparql):
        kind = match.lastgroup
        if kind == "word" and form is None and match.group().upper() in _QUERY_FORMS:
            form = match.group().upper()
            continue
        if form is None:
            continue
        if kind == "word" and form == "CONSTRUCT" and depth == 0 and \
                match.group().upper() == "WHERE" and not skip_template:
            raise BadInput("bindings need the long CONSTRUCT form (CONSTRUCT {…} WHERE {…})")
        if kind == "open":
            if form == "CONSTRUCT" and not skip_template and depth == 0:
                skip_template = True
                depth += 1
                continue
            if depth == 0:
                at = match.end()
                return sparql[:at] + block + sparql[at:]
            depth += 1
        elif kind == "close":
            depth -= 1
    raise BadInput("no WHERE group to bind values in")


def query_form(sparql: str) -> str | None:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the first of these keywords outside comments,
    strings and IRIs; None for anything else (an update)."""
    for match in _TOKENS.finditer(sparql):
        if match.lastgroup == "word" and match.group().upper() in _QUERY_FORMS:
            end = match.end()
            if sparql[end:end + 1] != ":":  # not a prefixed name such as ask:x
                return match.group().upper()
    return None


def _clean_bnodes_xml(body: bytes) -> bytes:
    """Virtuoso names blank nodes ``nodeID://b10000``, which is not a blank node label."""
    return _BNODE_XML.sub(lambda m: b"<bnode>" + re.sub(rb"[^A-Za-z0-9_]", b"_", m.group(1))
                          + b"</bnode>", body)


def _clean_bnodes_nt(body: bytes) -> bytes:
    return _BNODE_NT.sub(lambda m: b"_:" + re.sub(rb"[^A-Za-z0-9_]", b"_", m.group(1)), body)


def numeric_canonical(term: Term) -> Term:
    """A numeric literal as an ``xsd:decimal`` of its value (other terms unchanged): the form in
    which a graph survives a store that keeps numbers by value (Virtuoso)."""
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
        try:
            value = Decimal(term.value)
        except InvalidOperation:
            return term
        text = format(value.normalize(), "f")
        return ox.Literal(text if "." in text else text + ".0", datatype=_XSD_DECIMAL)
    if isinstance(term, ox.Literal) and term.language:
        return ox.Literal(term.value, language=term.language.lower())
    return term


def _to_triples(body: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(_clean_bnodes_nt(body), format=ox.RdfFormat.N_TRIPLES)]


def _as_query_triples(triples: list[ox.Triple]) -> ox.QueryTriples:
    """Triples as a pyoxigraph ``QueryTriples``, the type the embedded store answers with."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")  # type: ignore[return-value]


class GraphStoreClient:
    """The SPARQL 1.1 Graph Store HTTP Protocol, client side (GET / PUT / POST / DELETE)."""

    def __init__(self, url: str, *, user: str | None = None, password: str | None = None,
                 token: str | None = None, timeout: float = 60.0) -> None:
        self.url = url
        self.timeout = timeout
        self._headers: dict[str, str] = {}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        elif user is not None:
            raw = f"{user}:{password or ''}".encode()
            self._headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")

    def _request(self, method: str, graph: ox.NamedNode, body: bytes | None = None,
                 content_type: str | None = None) -> tuple[int, bytes]:
        url = f"{self.url}?{urllib.parse.urlencode({'graph': graph.value})}"
        headers = dict(self._headers)
        if content_type:
            headers["Content-Type"] = content_type
        if method == "GET":
            headers["Accept"] = "application/n-triples"
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (urllib.error.URLError, OSError) as error:
            raise StoreError(f"Graph Store {self.url} unreachable: {error}") from error

    def get(self, graph: ox.NamedNode) -> list[ox.Triple] | None:
        """The graph's triples, or None when the server has no such graph (404)."""
        status, body = self._request("GET", graph)
        if status == 404:
            return None
        self._check(status, body, "GET", graph)
        return _to_triples(body)

    def put(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> int:
        body = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
        status, answer = self._request("PUT", graph, body, "application/n-triples")
        self._check(status, answer, "PUT", graph)
        return status

    def post(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> int:
        body = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
        status, answer = self._request("POST", graph, body, "application/n-triples")
        self._check(status, answer, "POST", graph)
        return status

    def delete(self, graph: ox.NamedNode) -> bool:
        status, body = self._request("DELETE", graph)
        if status == 404:
            return False
        self._check(status, body, "DELETE", graph)
        return True

    def _check(self, status: int, body: bytes, method: str, graph: ox.NamedNode) -> None:
        if 200 <= status < 300:
            return
        text = re.sub(r"<[^>]+>", " ", body.decode("utf-8", "replace"))
        text = " ".join(text.split())[:300]
        where = Location(file=self.url, value=graph.value)
        if status in (401, 403):
            raise StoreError(f"Graph Store {method} refused ({status}): {text}", where)
        if status == 400:
            raise BadInput(f"Graph Store {method} rejected the data (400): {text}", where)
        raise StoreError(f"Graph Store {method} failed ({status}): {text}", where)


class RemoteStore:
    """A SPARQL 1.1 endpoint (see the module docstring for what it guarantees)."""

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None,
                 graph_store: str | None = None, user: str | None = None,
                 password: str | None = None, token: str | None = None,
                 timeout: float = 60.0) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.description = f"sparql:{endpoint}"
        self.timeout = timeout
        self._user, self._password, self._token = user, password, token
        self.gsp = (GraphStoreClient(graph_store, user=user, password=password, token=token,
                                     timeout=timeout) if graph_store else None)
        self._excluded: list[str] | None = None
        self.virtuoso = False
        self._probe()

    # -- plumbing ----------------------------------------------------------------------------
    def _wrapper(self, url: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url, agent="bpss-kg")
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)  # no format=/output= parameters: the Accept header decides
        wrapper.setTimeout(max(1, round(self.timeout)))
        if self._token:
            wrapper.addCustomHttpHeader("Authorization", f"Bearer {self._token}")
        elif self._user is not None:
            wrapper.setCredentials(self._user, self._password or "")
        return wrapper

    def _run(self, wrapper: SPARQLWrapper, accept: str | None) -> bytes:
        if accept:
            wrapper.addCustomHttpHeader("Accept", accept)
        try:
            response = wrapper.query().response
            return response.read()
        except QueryBadFormed as error:
            raise BadInput(f"the remote store rejected the request: {_short(error)}") from error
        except Unauthorized as error:
            raise StoreError(f"the remote store refused the credentials: {_short(error)}",
                             Location(file=wrapper.endpoint)) from error
        except EndPointNotFound as error:
            raise StoreError("no SPARQL endpoint at this address",
                             Location(file=wrapper.endpoint)) from error
        except EndPointInternalError as error:
            text = _short(error)
            if "timed out" in text.lower() or "timeout" in text.lower():
                raise QueryTimeout(f"the remote store stopped the query: {text}") from error
            raise StoreError(f"the remote store failed: {text}",
                             Location(file=wrapper.endpoint)) from error
        except SPARQLWrapperException as error:
            raise StoreError(f"the remote store failed: {_short(error)}",
                             Location(file=wrapper.endpoint)) from error
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:300]
            if error.code in (401, 403):
                raise StoreError(f"the remote store refused the request ({error.code}): "
                                 f"{detail}", Location(file=wrapper.endpoint)) from error
            raise StoreError(f"the remote store answered {error.code}: {detail}",
                             Location(file=wrapper.endpoint)) from error
        except TimeoutError as error:
            raise QueryTimeout(f"no answer from the remote store within {self.timeout:g} s"
                               ) from error
        except (urllib.error.URLError, OSError) as error:
            if isinstance(getattr(error, "reason", None), TimeoutError):
                raise QueryTimeout(f"no answer from the remote store within {self.timeout:g} s"
                                   ) from error
            raise StoreError(f"the remote store is unreachable: {error}",
                             Location(file=wrapper.endpoint)) from error

    def _probe(self) -> None:
        """Find out whether the server is Virtuoso (for its system graphs)."""
        request = urllib.request.Request(
            f"{self.endpoint}?{urllib.parse.urlencode({'query': 'ASK {}'})}",
            headers={"Accept": "application/sparql-results+xml"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                server = response.headers.get("Server", "")
        except urllib.error.HTTPError as error:
            server = error.headers.get("Server", "") if error.headers else ""
        except (urllib.error.URLError, OSError) as error:
            raise StoreError(f"the remote store is unreachable: {error}",
                             Location(file=self.endpoint)) from error
        self.virtuoso = "virtuoso" in server.lower()

    def _system_graphs(self) -> list[str]:
        if not self.virtuoso:
            return []
        if self._excluded is None:
            wrapper = self._wrapper(self.endpoint)
            wrapper.setQuery("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            body = self._run(wrapper, "application/sparql-results+xml")
            result = ox.parse_query_results(_clean_bnodes_xml(body), ox.QueryResultsFormat.XML)
            self._excluded = sorted(
                s["g"].value for s in result  # type: ignore[union-attr]
                if s["g"].value.startswith(VIRTUOSO_SYSTEM_PREFIXES))
        return self._excluded

    def _dataset_pragmas(self, sparql: str) -> str:
        if _NAMES_A_GRAPH.search(_MASK.sub(" ", sparql)):
            return ""
        return "".join(f"DEFINE input:default-graph-exclude <{g}>\n"
                       f"DEFINE input:named-graph-exclude <{g}>\n" for g in self._system_graphs())

    # -- reading -----------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: list[ox.NamedNode] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
    ) -> QueryResult:
        text = with_values(sparql, bindings or {})
        wrapper = self._wrapper(self.endpoint)
        explicit = bool(default_graphs) or bool(named_graphs)
        for graph in default_graphs or []:
            wrapper.addDefaultGraph(NO_DEFAULT_GRAPH if isinstance(graph, ox.DefaultGraph)
                                    else graph.value)
        for graph in named_graphs or []:
            wrapper.addNamedGraph(graph.value)
        form = query_form(text)
        if form is None:
            raise BadInput("not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
        wrapper.setQuery((self._dataset_pragmas(text) if not explicit else "") + text)
        wrapper.queryType = form  # SPARQLWrapper's own guess reads keywords inside comments
        if form in ("CONSTRUCT", "DESCRIBE"):
            body = self._run(wrapper, "application/n-triples")
            return _as_query_triples(_to_triples(body))
        body = self._run(wrapper, "application/sparql-results+xml")
        try:
            return ox.parse_query_results(_clean_bnodes_xml(body), ox.QueryResultsFormat.XML)
        except SyntaxError as error:
            raise StoreError(f"unreadable results from the remote store: {error}") from error

    def named_graphs(self) -> list[ox.NamedNode]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        system = set(self._system_graphs())
        return sorted((s["g"] for s in result  # type: ignore[union-attr]
                       if isinstance(s["g"], ox.NamedNode) and s["g"].value not in system),
                      key=lambda g: g.value)

    def has_graph(self, graph: ox.NamedNode) -> bool:
        result = self.query("ASK { GRAPH ?g { ?s ?p ?o } }", bindings={"g": graph})
        return bool(result)

    def graph_triples(self, graph: ox.NamedNode) -> list[ox.Triple]:
        """One graph's triples (Graph Store GET, else CONSTRUCT)."""
        if self.gsp is not None:
            return self.gsp.get(graph) or []
        result = self.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                            bindings={"g": graph})
        return list(result)  # type: ignore[arg-type]

    def quads(self, graph: GraphName | None = None) -> Iterable[ox.Quad]:
        if isinstance(graph, ox.DefaultGraph):
            return []
        graphs = [graph] if graph is not None else self.named_graphs()
        quads: list[ox.Quad] = []
        for name in graphs:
            assert isinstance(name, ox.NamedNode)
            quads += [ox.Quad(t.subject, t.predicate, t.object, name)
                      for t in self.graph_triples(name)]
        return quads

    def predicate_quads(self, predicate: ox.NamedNode) -> Iterable[tuple[Term, Term, GraphName]]:
        # Named graphs only, like ``quads``: a remote default graph is often their union.
        result = self.query("SELECT ?s ?o ?g ?p WHERE { GRAPH ?g { ?s ?p ?o } }",
                            bindings={"p": predicate})
        return [(s["s"], s["o"], s["g"]) for s in result]  # type: ignore[union-attr]

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph: GraphName | None = None) -> None:
        if graph is None:
            ox.serialize(self.quads(), output, fmt)
        else:
            ox.serialize([q.triple for q in self.quads(graph)], output, fmt)

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        rows = list(result)  # type: ignore[arg-type]
        return int(rows[0]["n"].value) if rows else 0

    # -- writing -----------------------------------------------------------------------------
    def update(self, sparql: str) -> None:
        wrapper = self._wrapper(self.update_endpoint)
        if query_form(sparql) is not None:
            raise BadInput("not a SPARQL Update request")
        wrapper.setQuery(sparql)
        wrapper.queryType = "INSERT"  # sent as update=, whatever SPARQLWrapper guessed
        try:
            self._run(wrapper, None)
        except BadInput as error:
            if self.update_endpoint == self.endpoint:
                error.message += (" (updates went to the query endpoint: give the update "
                                  "endpoint in BPSS_KG_STORE_UPDATE)")
            raise
        self._excluded = None

    def _insert(self, graph: ox.NamedNode, triples: list[ox.Triple], *, drop: bool) -> None:
        body = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        head = f"DROP SILENT GRAPH {graph} ;\n" if drop else ""
        if not triples:
            if drop:
                self.update(head.rstrip(" ;\n"))
            return
        # INSERT {…} WHERE {} rather than INSERT DATA: Virtuoso refuses blank nodes in DATA.
        self.update(f"{head}INSERT {{ GRAPH {graph} {{\n{body}\n}} }} WHERE {{ }}")

    def apply_changes(self, graph: ox.NamedNode, added: list[ox.Triple],
                      removed: list[ox.Triple]) -> None:
        """Remove and add triples of one graph in one update request (no blank nodes: SPARQL
        DATA blocks cannot name an existing one)."""
        parts = []
        for keyword, triples in (("DELETE", removed), ("INSERT", added)):
            if triples:
                body = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
                parts.append(f"{keyword} DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
        if parts:
            self.update(" ;\n".join(parts))

    def add_document(self, graph: ox.NamedNode, data: bytes, fmt: ox.RdfFormat) -> None:
        self.add(ox.Quad(t.subject, t.predicate, t.object, graph)
                 for t in ox.parse(data, format=fmt))

    def add(self, quads: Iterable[ox.Quad]) -> None:
        by_graph = _by_graph(quads, "add")
        self._write_graphs(by_graph, replace=False)

    def _write_graphs(self, by_graph: dict[ox.NamedNode, list[ox.Triple]], *,
                      replace: bool) -> None:
        done: list[str] = []
        for graph, triples in by_graph.items():
            try:
                if self.gsp is not None:
                    if replace:
                        self.gsp.put(graph, triples)
                    else:
                        self.gsp.post(graph, triples)
                else:
                    self._insert(graph, triples, drop=replace)
            except StoreError as error:
                rest = [g.value for g in by_graph if g.value not in done and g != graph]
                raise StoreError(
                    f"{error.message}; written before the failure: {', '.join(done) or 'none'};"
                    f" failed: {graph.value}; not written: {', '.join(rest) or 'none'}",
                    error.where) from error
            done.append(graph.value)

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> None:
        self._write_graphs({graph: list(triples)}, replace=True)

    def drop_graph(self, graph: ox.NamedNode) -> bool:
        if self.gsp is not None:
            return self.gsp.delete(graph)
        exists = self.query("ASK { GRAPH ?g { ?s ?p ?o } }", bindings={"g": graph})
        if not bool(exists):
            return False
        # DROP SILENT: Virtuoso fails a plain DROP of a graph it did not see CREATEd.
        self.update(f"DROP SILENT GRAPH {graph}")
        return True

    def load(self, sources: list[LoadSource], progress: Progress | None = None) -> int:
        """Parse and check every source locally, then write graph by graph (module docstring)."""
        quads: list[ox.Quad] = []
        for source in sources:
            check_document(source.format, source.name, data=source.data, path=source.path)
            kwargs = ({"input": source.data} if source.data is not None
                      else {"path": str(source.path)})
            try:
                for quad in bounded(ox.parse(format=source.format, rename_blank_nodes=True,
                                             base_iri=source.base_iri, **kwargs), source.name):
                    if source.graph is not None and isinstance(quad.graph_name, ox.DefaultGraph):
                        quad = ox.Quad(quad.subject, quad.predicate, quad.object, source.graph)
                    if isinstance(quad.graph_name, ox.DefaultGraph):
                        raise BadInput("a remote store keeps named graphs only: give --graph "
                                       "for triples outside a named graph",
                                       Location(file=source.name))
                    quads.append(quad)
            except SyntaxError as error:
                raise BadInput(f"RDF syntax error: {error.msg if hasattr(error, 'msg') else error}",
                               Location(file=source.name, line=error.lineno,
                                        column=error.offset)) from error
            if progress:
                progress(source.size)
        self._write_graphs(_by_graph(quads, "load"), replace=False)
        return len(self)

    def close(self) -> None:
        """Nothing to release: every request opens its own connection."""


def _by_graph(quads: Iterable[ox.Quad], what: str) -> dict[ox.NamedNode, list[ox.Triple]]:
    by_graph: dict[ox.NamedNode, list[ox.Triple]] = defaultdict(list)
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise BadInput(f"{what}: a remote store keeps named graphs only")
        by_graph[quad.graph_name].append(quad.triple)
    return dict(by_graph)


def _short(error: Exception) -> str:
    text = str(error)
    text = text.split("Response:", 1)[-1] if "Response:" in text else text
    text = text.replace("\\n", " ")
    text = re.sub(r"^b(['\"])|['\"]$", "", text.strip())
    return " ".join(text.split())[:400]


__all__ = ["GraphStoreClient", "RemoteStore", "numeric_canonical", "query_form", "render_term",
           "with_values"]
