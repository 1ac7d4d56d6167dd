"""Publishing: dumps per graph and of everything, the JSON-LD context, the DCAT catalog with
VoID statistics, and county detail tables as CSV with CSVW metadata."""

from __future__ import annotations

from .catalog import catalog_graph, void_graph
from .dumps import DUMP_FORMATS, DumpName, dump_names, parse_dump_name, write_dump
from .jsonld import jsonld_context

__all__ = ["DUMP_FORMATS", "DumpName", "catalog_graph", "dump_names", "jsonld_context",
           "parse_dump_name", "void_graph", "write_dump"]
