"""The analytical engine: a columnar in-memory mirror of the store that answers `/sparql` reads.

Oxigraph stays the store of record; maplib (Rust on Polars, pinned in pyproject.toml) holds a
mirror of the newest store checkpoint (``mirror``), kept in step per written graph, in a
process of its own so that the query time limit really stops a query (``service``). The router
(``routing``) decides per query whether the engine may answer; the answer is converted to the
typed terms Oxigraph gives (``terms``). ``BPSS_KG_ENGINE=oxigraph`` (or
``bpss-kg serve --engine oxigraph``) turns it off.

Sent to Oxigraph (each verified against maplib 0.20.26 in ``tests/test_engine_routing.py`` or
``tests/test_engine_differential.py``):

- DESCRIBE, updates, ``FROM`` / ``FROM NAMED``, ``GRAPH``, ``SERVICE``, requests with
  ``default-graph-uri`` / ``named-graph-uri`` and library parameters bound by substitution;
- functions and operators outside ``routing``'s allow-lists (among them ``/`` and ``AVG``:
  maplib divides integers to a double ``0.0`` where SPARQL gives the decimal ``0.333…``, and
  averages decimals in floating point; ``GROUP_CONCAT``: with ``DISTINCT`` / ``separator``
  maplib gives wrong members);
- ``BIND`` inside ``OPTIONAL`` (a nested ``OPTIONAL { … BIND(?item AS ?named) }`` counts
  rows Oxigraph correctly leaves out);
- expressions reading a variable the pattern never binds (maplib raises where SPARQL
  evaluates to an error);
- empty group patterns (``SELECT * {}`` gives no row in maplib, one in SPARQL);
- CONSTRUCT templates with blank nodes; negated property paths;
- a triple pattern whose predicate has triples stored in more than one graph, or a variable
  predicate while any triple is (Oxigraph's union default graph is a multiset);
- any query while the data holds ``xsd:unsignedInt`` literals (maplib's COUNT datatype);
- and, at run time, any query maplib raises on.
"""
