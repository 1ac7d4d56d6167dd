"""The analytical engine: a columnar in-memory mirror of the store that answers `/sparql` reads.

Oxigraph stays the store of record; maplib (Rust on Polars, pinned in pyproject.toml) holds a
mirror of the newest store checkpoint (``mirror``), kept in step per written graph, in a
process of its own so that the query time limit really stops a query (``service``). The router
(``routing``) decides per query whether the engine may answer; the answer is converted to the
typed terms Oxigraph gives (``terms``). ``BPSS_KG_ENGINE=oxigraph`` (or
``bpss-kg serve --engine oxigraph``) turns it off.

Sent to Oxigraph (each difference verified against maplib 0.20.26: ``tests/test_engine_routing.py``
shows maplib's own answer differing, ``tests/test_engine_w3c.py`` runs the W3C SPARQL 1.1
query-evaluation tests through the router, ``tests/test_engine_differential.py`` compares the
library and analytical queries with Oxigraph):

- DESCRIBE, updates, ``FROM`` / ``FROM NAMED``, ``GRAPH``, ``SERVICE``, requests with
  ``default-graph-uri`` / ``named-graph-uri`` and library parameters bound by substitution;
- functions, aggregates and operators outside ``routing``'s allow-lists, among them:
  ``/`` (maplib divides integers to a double ``0.0`` where SPARQL gives the decimal ``0.333…``),
  ``AVG`` (floating point, not decimal), ``MIN`` / ``MAX`` (no value over mixed numeric types),
  ``GROUP_CONCAT`` (with ``DISTINCT`` / ``separator`` maplib gives wrong members),
  ``COALESCE`` (wrong over values of different datatypes), ``STRBEFORE`` / ``STRAFTER`` /
  ``CONCAT`` (wrong result when nothing matches, wrong language tags);
- ``BIND`` inside ``OPTIONAL`` (a nested ``OPTIONAL { … BIND(?item AS ?named) }`` counts
  rows Oxigraph correctly leaves out);
- expressions reading a variable the pattern never binds (maplib raises where SPARQL
  evaluates to an error), or one only an ``OPTIONAL`` binds, other than through ``BOUND``
  (maplib gives ``DATATYPE`` of an unbound variable a value);
- ``COUNT(DISTINCT ?v)`` of a variable an ``OPTIONAL`` may leave unbound (maplib counts the
  unbound value as one);
- ``LIMIT`` / ``OFFSET`` inside a subquery; ``MINUS`` whose right side has ``OPTIONAL`` or
  ``UNION``; ``VALUES`` with ``UNDEF`` or over an ``OPTIONAL`` variable;
- property paths other than sequences of IRIs and ``iri+`` alone (``*``, ``?``, ``^``, ``|``,
  ``!``; a sequence with a ``+`` step, where maplib gives each pair of ends once and SPARQL one
  solution per way through);
- ``GROUP BY`` inside a subquery (maplib gives a GROUP BY over an empty match one row, keys
  unbound, where SPARQL gives none; of the query itself, a one-row answer without keys is
  declined at run time);
- empty group patterns (``SELECT * {}`` gives no row in maplib, one in SPARQL); CONSTRUCT
  templates with blank nodes;
- any query while the data holds ``xsd:unsignedInt`` literals (maplib's COUNT datatype);
- and, at run time, any query maplib raises on.

Triples stored in more than one graph (a national standard described again in each county
system that adopts it) are held once by the mirror, and the engine matches them once, as
SPARQL's default graph, a set of triples, requires. pyoxigraph 0.5.13 matches them once per
graph (oxigraph#1919, fixed upstream after that release); when Oxigraph answers a query that
may match them, ``X-BPSS-Engine-Reason`` says so.
"""
