"""Whether what a page shows is synthetic: a county graph holding anything flagged
``bpss:isSynthetic true`` (an imported table's 合成数据=是 marks its standards and values, not
the system), or one resource so flagged or sourced from the synthetic source."""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import county_graph
from ..store.base import Store

_GRAPH_HAS_SYNTHETIC = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
ASK { GRAPH ?g { ?s bpss:isSynthetic true } }
"""
_RESOURCE_IS_SYNTHETIC = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
ASK { { ?s bpss:isSynthetic true }
      UNION { ?s dcterms:source <https://w3id.org/bpss-kg/id/source/synthetic> } }
"""


def county_has_synthetic(store: Store, code: str) -> bool:
    """True when the county's graph holds any synthetic-flagged resource."""
    return bool(store.query(_GRAPH_HAS_SYNTHETIC,
                            bindings={"g": ox.NamedNode(str(county_graph(code)))}))


def resource_is_synthetic(store: Store, iri: str) -> bool:
    """True when the resource is flagged synthetic or cites the synthetic source."""
    return bool(store.query(_RESOURCE_IS_SYNTHETIC, bindings={"s": ox.NamedNode(iri)}))
