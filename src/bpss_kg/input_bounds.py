"""Bounds on RDF documents from outside, checked before a parser builds anything from them.

Oxigraph's RDF/XML parser expands the internal entities of a DOCTYPE (707 bytes of nested
entities become a 227-million-character literal), its time grows with the square of the nesting
depth of RDF/XML and JSON-LD, and deeply nested JSON-LD objects overflow its stack (a crash,
not an error). So, before parsing:

* RDF/XML goes through one streaming pass of expat (which does not expand entities in text
  here, it only counts): external and parameter entities are refused (line and column of the
  declaration), as is any internal entity, or all of the document's entity references
  together, that would expand past the bounds below; elements nested deeper than
  ``MAX_NESTING`` are refused; in a document that declares entities, so is a literal (text or
  attribute) past the literal bound (without entities no literal outgrows the file).
* JSON-LD is refused when its objects and arrays nest deeper than ``MAX_NESTING``.
* Cost, measured on a 47 MB RDF/XML file (383,727 triples): the scan 3.1 s beside a 4.3 s
  bulk load; 37 MB of JSON-LD: 2.3 s beside 5.2 s (load average 6 on 2 cores). The bulk
  syntaxes (N-Quads, N-Triples, Turtle, TriG) are not scanned.
* Every literal parsed in Python (HTTP payloads, in-memory loads, files validated, remote
  loads) is checked against the literal bound. Bulk loads of the text syntaxes (Turtle,
  N-Triples, N-Quads, TriG, JSON-LD) are not scanned for literals: there no literal can be
  longer than the file that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox

from .config import Settings
from .errors import BadInput, Location

MAX_NESTING = 100
"""Deepest nesting of RDF/XML elements, or of JSON-LD objects and arrays."""
MAX_ENTITY_EXPANSION = 10_000_000
"""Characters that all entity references in the text of one RDF/XML document may add."""
_ENTITY_REF = re.compile(r"&([A-Za-z_:][\w.:\-]*);|&#x?[0-9A-Fa-f]+;")
_JSON_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_JSON_STRING = re.compile(rb'"[^"]*"')
_JSON_PAIR = re.compile(rb"\{\}|\[\]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def max_literal_chars() -> int:
    """The literal bound (``BPSS_KG_MAX_LITERAL_CHARS``, default 1,000,000 characters)."""
    return Settings.from_env().max_literal_chars


def check_document(fmt: ox.RdfFormat, name: str, *, data: bytes | None = None,
                   path: Path | None = None) -> None:
    """Refuse (``BadInput`` naming the place) a document that breaks the module's bounds."""
    if fmt == ox.RdfFormat.RDF_XML:
        _XmlScan(name, max_literal_chars()).run(data, path)
    elif fmt == ox.RdfFormat.JSON_LD:
        _check_json_depth(data if data is not None else Path(path or "").read_bytes(), name)


def bounded(quads: Iterable[ox.Quad], name: str) -> Iterator[ox.Quad]:
    """The quads, refusing the first literal past the literal bound."""
    limit = max_literal_chars()
    for quad in quads:
        value = quad.object
        if isinstance(value, ox.Literal) and len(value.value) > limit:
            raise BadInput(f"a literal of {len(value.value):,} characters (subject "
                           f"{quad.subject}) is over the limit of {limit:,} characters "
                           "(BPSS_KG_MAX_LITERAL_CHARS)", Location(file=name))
        yield quad


def _check_json_depth(data: bytes, name: str) -> None:
    """Strings removed, only brackets kept; each pass removes the innermost pairs (one level),
    so more than ``MAX_NESTING`` passes means deeper than that."""
    brackets = _JSON_STRING.sub(b"", _JSON_ESCAPE.sub(b"", data)).translate(None, _NOT_BRACKETS)
    for _level in range(MAX_NESTING):
        if not brackets:
            return
        inner = _JSON_PAIR.sub(b"", brackets)
        if inner == brackets:
            return  # unbalanced: the parser reports where
        brackets = inner
    if brackets and _JSON_PAIR.search(brackets):
        raise BadInput(f"JSON-LD nested deeper than {MAX_NESTING} objects and arrays: "
                       "refused (Oxigraph's parser slows down with the square of the depth "
                       "and can crash)", Location(file=name))


class _XmlScan:
    """One expat pass over an RDF/XML document (see the module docstring)."""

    def __init__(self, name: str, literal_limit: int) -> None:
        self.name = name
        self.literal_limit = literal_limit
        self.values: dict[str, str] = {}
        self.lines: dict[str, tuple[int, int]] = {}
        self.lengths: dict[str, int] = {}
        self.depth = 0
        self.text = 0  # characters of the current text node
        self.expanded = 0  # characters added by entity references so far
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.ordered_attributes = True  # a list per element is cheaper than a dict
        parser.buffer_text = True
        parser.EntityDeclHandler = self.entity
        parser.EndDoctypeDeclHandler = self.end_doctype
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        self.parser = parser

    def where(self, at: tuple[int, int] | None = None) -> Location:
        line, column = at or (self.parser.CurrentLineNumber,
                              self.parser.CurrentColumnNumber + 1)
        return Location(file=self.name, line=line, column=column)

    def run(self, data: bytes | None, path: Path | None) -> None:
        try:
            if data is not None:
                self.parser.Parse(data, True)
            else:
                with open(path or "", "rb") as handle:
                    self.parser.ParseFile(handle)
        except expat.ExpatError as error:
            raise BadInput(f"RDF/XML is not well-formed XML: {expat.ErrorString(error.code)}",
                           Location(file=self.name, line=error.lineno,
                                    column=error.offset + 1)) from None

    def entity(self, name: str, is_parameter: int, value: str | None, _base: str | None,
               system_id: str | None, public_id: str | None, notation: str | None) -> None:
        if is_parameter:
            raise BadInput(f"parameter entity %{name}; refused: RDF/XML needs none",
                           self.where())
        if value is None:
            target = system_id or public_id or notation or ""
            raise BadInput(f"external entity &{name}; ({target}) refused: bpss-kg never reads "
                           "files or URLs that a document names", self.where())
        self.values[name] = value
        self.lines[name] = (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)

    def length(self, name: str, open_names: tuple[str, ...] = ()) -> int:
        """Characters that ``&name;`` expands to (counted, never built)."""
        if name in self.lengths:
            return self.lengths[name]
        if name in open_names:
            raise BadInput(f"entity &{name}; refers to itself", self.where(self.lines[name]))
        value = self.values.get(name, "")
        total = len(value)
        for match in _ENTITY_REF.finditer(value):
            inner = match.group(1)
            total -= len(match.group(0))
            total += 1 if inner is None else self.length(inner, (*open_names, name))
        self.lengths[name] = total
        return total

    def end_doctype(self) -> None:
        if self.values:  # text can only outgrow its bytes through entities: count them
            self.parser.CharacterDataHandler = self.characters
            self.parser.DefaultHandler = self.reference  # set: references stay unexpanded
        for name in self.values:
            size = self.length(name)
            if size > min(self.literal_limit, MAX_ENTITY_EXPANSION):
                raise BadInput(f"entity amplification refused: &{name}; expands to {size:,} "
                               f"characters (a literal may hold {self.literal_limit:,}; all "
                               f"entity references together may add {MAX_ENTITY_EXPANSION:,})",
                               self.where(self.lines[name]))

    def start(self, _tag: str, attributes: list[str]) -> None:
        self.depth += 1
        self.text = 0
        if self.depth > MAX_NESTING:
            raise BadInput(f"RDF/XML nested deeper than {MAX_NESTING} elements: refused "
                           "(Oxigraph's parser slows down with the square of the depth)",
                           self.where())
        if self.values:  # attribute values: expat expands their entities itself
            for value in attributes[1::2]:
                self.check_literal(len(value))

    def end(self, _tag: str) -> None:
        self.depth -= 1
        self.text = 0

    def characters(self, data: str) -> None:
        self.text += len(data)
        self.check_literal(self.text)

    def reference(self, data: str) -> None:
        if not (data.startswith("&") and data.endswith(";")):
            return
        size = self.length(data[1:-1])
        self.expanded += size
        self.text += size
        if self.expanded > MAX_ENTITY_EXPANSION:
            raise BadInput(f"entity amplification refused: the document's entity references "
                           f"add more than {MAX_ENTITY_EXPANSION:,} characters", self.where())
        self.check_literal(self.text)

    def check_literal(self, size: int) -> None:
        if size > self.literal_limit:
            raise BadInput(f"a literal of more than {self.literal_limit:,} characters: refused "
                           "(BPSS_KG_MAX_LITERAL_CHARS)", self.where())
