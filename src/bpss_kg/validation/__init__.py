"""SHACL validation of county standard systems: the one entry point is ``validate``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..store import Store
from .findings import Finding
from .runner import ValidationRun, validate_files, validate_store

__all__ = ["Finding", "ValidationRun", "validate"]


def validate(store: Store | None = None, files: list[Path] | None = None, *,
             county: str | None = None, shapes: list[Path] | None = None,
             as_of: date | None = None, engine: str = "sparql", changed: bool = False,
             record: bool = True, base: str | None = None,
             national_layer: bool | None = None) -> ValidationRun:
    """Validate files (when given) or the store's counties and national layer.

    ``shapes`` replaces the bundled shapes; ``as_of`` is the date date rules are judged
    against (default today); ``engine`` is ``sparql`` (compiled, fast) or ``pyshacl``
    (reference); ``changed`` re-validates only graphs changed since the last stored run;
    ``record`` stores the report of a store run in its own graph; ``base`` resolves relative
    IRIs in the files (default: each file's own ``file:`` IRI); ``national_layer`` validates
    files beside the bundled ontology and national layer, as county data (default: with the
    bundled shapes only; with ``shapes`` the files alone are the data graph, plain SHACL).
    """
    if files:
        return validate_files(list(files), shapes_files=shapes, as_of=as_of, engine=engine,
                              base=base, national_layer=national_layer)
    if store is None:
        raise ValueError("validate needs a store or files")
    return validate_store(store, county=county, shapes_files=shapes, as_of=as_of,
                          engine=engine, changed=changed, record=record)
