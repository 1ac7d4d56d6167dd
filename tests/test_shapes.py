"""Each shape against its fixtures: tests/shapes/<Shape>/valid-*.ttl conform to it, and each
invalid-*.ttl yields exactly the focus node and message its header announces."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import SH

from bpss_kg.validation import validate
from bpss_kg.validation.compiled import root_shape

FIXTURES = Path(__file__).resolve().parent / "shapes"
SHAPES = "https://w3id.org/bpss-kg/shapes#"
AS_OF = date(2026, 6, 30)
CASES = sorted(FIXTURES.glob("*/*.ttl"))


def own_findings(path: Path):
    run = validate(files=[path], as_of=AS_OF)
    shape = path.parent.name
    own = run.shapes.graph
    return [f for f in run.findings
            if str(root_shape(own, URIRef(f.shape.strip("<>")))) == SHAPES + shape]


def test_every_bundled_shape_has_fixtures():
    text = "".join(p.read_text(encoding="utf-8")
                   for p in (FIXTURES.parents[1] / "shapes").glob("*.ttl"))
    shapes = set(re.findall(r"^bpsssh:([\w-]+) a sh:NodeShape", text, re.M))
    with_fixtures = {p.name for p in FIXTURES.iterdir()
                     if any(p.glob("valid-*.ttl")) and any(p.glob("invalid-*.ttl"))}
    assert shapes == with_fixtures


@pytest.mark.parametrize("path", [p for p in CASES if p.name.startswith("valid-")],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_fixture_conforms_to_its_shape(path):
    assert own_findings(path) == []


@pytest.mark.parametrize("path", [p for p in CASES if p.name.startswith("invalid-")],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_invalid_fixture_gives_the_expected_finding(path):
    header = path.read_text(encoding="utf-8")
    focus = re.search(r"^# expect-focus: (\S+)", header, re.M).group(1)
    message = re.search(r"^# expect-message: (.+)$", header, re.M).group(1)
    findings = own_findings(path)
    assert [(f.focus, f.message("en")) for f in findings] == [(focus, message)]
    assert findings[0].message("zh") != message  # a Chinese message too


def test_every_shape_has_an_iri_and_an_attribution():
    """Stored results name their sh:sourceShape; a blank-node shape would be minted an IRI
    that no shapes file holds, so every shape, property shapes included, is named in shapes/;
    and every node shape says whether its source states it or we inferred it."""
    from rdflib import BNode, Graph

    from bpss_kg.namespaces import BPSS
    from bpss_kg.validation.shapes import bundled_shape_files

    graph = Graph()
    for path in bundled_shape_files():
        graph.parse(path, format="turtle")
    shapes = set(graph.subjects(SH.property, None)) | set(graph.objects(None, SH.property)) \
        | set(graph.subjects(None, SH.NodeShape)) | set(graph.subjects(None, SH.PropertyShape))
    assert shapes and not [s for s in shapes if isinstance(s, BNode)]
    for prop in graph.objects(None, SH.property):
        assert (prop, None, None) in graph, f"{prop} is used but not defined"
    node_shapes = set(graph.subjects(None, SH.NodeShape))
    kinds = (BPSS.StatedInSource, BPSS.Inferred)
    missing = sorted(str(s) for s in node_shapes if graph.value(s, BPSS.attribution) not in kinds)
    assert not missing
