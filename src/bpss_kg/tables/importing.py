"""Import a county's standard detail table: check everything, then write all or nothing.

``preview_import`` reads and checks a table and returns the problems or the would-be county
graph; ``commit_import`` writes a clean preview in one update (the county graph replaced, with
what the table does not carry kept, see ``tablepart``); ``import_table`` does both for files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..errors import BadInput, Location
from ..namespaces import county_graph, is_division_code
from ..store.base import Store
from .building import build
from .problems import Problem, TableProblems
from .reading import read_sheets
from .reference import oxigraph_triples, reference_for
from .tablepart import merge, observations_part, records_part


@dataclass
class ImportPreview:
    county: str
    filename: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)
    """The county graph as it would be after the import (empty when there are problems)."""
    table: Graph = field(default_factory=Graph)
    """The part of it that comes from the table."""
    standards: int = 0
    observations: int = 0
    records: int = 0
    triples_before: int = 0
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Standard and observation IRI → (sheet, row) of the table it came from (not stored)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def graph_iri(self) -> str:
        return str(county_graph(self.county))

    def summary(self) -> dict[str, object]:
        return {"county": self.county, "graph": self.graph_iri, "file": self.filename,
                "ok": self.ok, "standards": self.standards, "observations": self.observations,
                "records": self.records,
                "triples": len(self.graph), "triples_from_table": len(self.table),
                "triples_before": self.triples_before}

    def to_dict(self) -> dict[str, object]:
        return {**self.summary(), "problems": [p.to_dict() for p in self.problems],
                "warnings": [w.to_dict() for w in self.warnings]}


def check_county(county: str) -> None:
    if not is_division_code(county):
        raise BadInput(f"--county expects a six-digit GB/T 2260 code, got {county!r}")


def preview_import(store: Store, file_bytes: bytes, filename: str, county: str, *,
                   indicator_bytes: bytes | None = None,
                   indicator_filename: str | None = None) -> ImportPreview:
    """Read and check a table; the would-be county graph or the problems. Writes nothing."""
    check_county(county)
    preview = ImportPreview(county, filename)
    sheets, problems = read_sheets(file_bytes, filename)
    indicator_sheets = None
    if indicator_bytes is not None:
        indicator_sheets, more = read_sheets(indicator_bytes, indicator_filename or "indicators")
        problems += more
    if problems:
        preview.problems = problems
        return preview
    ref = reference_for(store, county)
    built = build(sheets, ref, indicator_sheets)
    preview.problems = built.problems
    preview.warnings = built.warnings
    preview.rows = built.rows
    preview.triples_before = len(ref.current)
    if built.problems:
        return preview
    preview.table = built.graph
    if not built.has_indicators:
        preview.table = preview.table + observations_part(ref.current)
    if not built.has_records:
        preview.table = preview.table + records_part(ref.current, county)
    preview.graph = merge(ref.current, preview.table, county, ref.county_name)
    preview.standards = built.standards
    preview.observations = built.observations
    preview.records = built.records
    return preview


def commit_import(store: Store, preview: ImportPreview) -> ImportPreview:
    """Write a clean preview: the county graph replaced in one update."""
    if not preview.ok:
        raise TableProblems(preview.problems, preview.filename)
    store.replace_graph(ox.NamedNode(preview.graph_iri), oxigraph_triples(preview.graph))
    return preview


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInput("no such file", Location(file=str(path))) from None
    except OSError as error:
        raise BadInput(f"cannot read the file: {error.strerror}",
                       Location(file=str(path))) from None


def import_table(store: Store, table: Path, county: str, *, dry_run: bool = False,
                 indicators: Path | None = None) -> ImportPreview:
    """Check ``table`` (and ``indicators``) and, unless ``dry_run`` or a problem, write it."""
    check_county(county)
    data = _read(table)
    extra = _read(indicators) if indicators is not None else None
    preview = preview_import(store, data, table.name, county, indicator_bytes=extra,
                             indicator_filename=indicators.name if indicators else None)
    if preview.ok and not dry_run:
        commit_import(store, preview)
    return preview
