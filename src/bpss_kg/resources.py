"""Where the bundled ontology, shapes, queries and data are, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resource_root() -> Path:
    """The folder holding ``ontology/``, ``shapes/``, ``queries/`` and ``data/``.

    A wheel carries them under ``bpss_kg/_resources``; a checkout (or editable install) has them
    at the repository root.
    """
    bundled = _PACKAGE_DIR / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    return _PACKAGE_DIR.parents[1]


def ontology_dir() -> Path:
    return resource_root() / "ontology"


def shapes_dir() -> Path:
    return resource_root() / "shapes"


def queries_dir() -> Path:
    return resource_root() / "queries"


def data_dir() -> Path:
    return resource_root() / "data"
