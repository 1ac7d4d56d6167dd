"""The engine's answers as the typed RDF terms Oxigraph gives.

maplib returns SPARQL JSON results whose literals differ from Oxigraph's in lexical form and,
for a few computed values, in datatype. The data itself reaches the engine from Oxigraph's
dump, so its literals are already in Oxigraph's canonical form; only computed values need
converting:

- ``xsd:decimal``: maplib writes a fixed scale (``"2.500000000000"``); Oxigraph the canonical
  form (``"2.5"``, ``"88"``). Same value, so the canonical form is written.
- ``xsd:double`` / ``xsd:float``: maplib writes ``"3.0"``; Oxigraph the shortest decimal digits
  without exponent (``"3"``, ``"100000000000000000000"``, ``"INF"``, ``"NaN"``).
- ``xsd:integer``: canonical digits (no sign ``+``, no leading zeros).
- ``COUNT`` is ``xsd:unsignedInt`` in maplib and ``xsd:integer`` in SPARQL (and Oxigraph): the
  engine is used only while the data holds no ``xsd:unsignedInt`` literal (``Mirror``), so an
  ``xsd:unsignedInt`` in an answer is always a count.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
COUNT_DATATYPE = XSD + "unsignedInt"
_INTEGER = ox.NamedNode(XSD + "integer")


def _decimal_text(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def canonical_lexical(value: str, datatype: str) -> str:
    """``value`` of ``datatype`` written as Oxigraph writes it (unchanged for other types)."""
    try:
        if datatype == XSD + "decimal":
            return _decimal_text(Decimal(value))
        if datatype == XSD + "integer":
            return str(int(value))
        if datatype in (XSD + "double", XSD + "float"):
            number = float(value)
            if math.isnan(number):
                return "NaN"
            if math.isinf(number):
                return "INF" if number > 0 else "-INF"
            if number == 0:
                return "-0" if math.copysign(1, number) < 0 else "0"
            return _decimal_text(Decimal(repr(number)))
    except (ValueError, InvalidOperation):
        return value
    return value


def term_from_json(cell: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One SPARQL JSON results term as an Oxigraph term, in Oxigraph's canonical form."""
    kind = cell["type"]
    if kind == "uri":
        return ox.NamedNode(cell["value"])
    if kind == "bnode":
        return ox.BlankNode(cell["value"])
    if "xml:lang" in cell:
        return ox.Literal(cell["value"], language=cell["xml:lang"])
    datatype = cell.get("datatype")
    if datatype is None:
        return ox.Literal(cell["value"])
    if datatype == COUNT_DATATYPE:
        return ox.Literal(str(int(cell["value"])), datatype=_INTEGER)
    return ox.Literal(canonical_lexical(cell["value"], datatype),
                      datatype=ox.NamedNode(datatype))


def solutions_from_json(text: str, variables: list[str]) -> list[list[object]]:
    """Rows of terms (None when unbound) in the order of ``variables`` (Oxigraph's order)."""
    bindings = json.loads(text)["results"]["bindings"]
    return [[term_from_json(row[name]) if name in row else None for name in variables]
            for row in bindings]
