"""Each shape against its fixtures: tests/shapes/<Shape>/valid-*.ttl conform to it, and each
invalid-*.ttl yields exactly the focus node and message its header announces."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bpss_kg.validation import validate

FIXTURES = Path(__file__).resolve().parent / "shapes"
SHAPES = "https://w3id.org/bpss-kg/shapes#"
AS_OF = date(2026, 6, 30)
CASES = sorted(FIXTURES.glob("*/*.ttl"))


def own_findings(path: Path):
    run = validate(files=[path], as_of=AS_OF)
    shape = path.parent.name
    return [f for f in run.findings
            if f.shape.strip("<>").startswith(SHAPES + shape)
            and f.shape.strip("<>")[len(SHAPES + shape):] in ("", "/property/1",
                                                               "/property/2", "/property/3")]


def test_every_bundled_shape_has_fixtures():
    text = "".join(p.read_text(encoding="utf-8")
                   for p in (FIXTURES.parents[1] / "shapes").glob("*.ttl"))
    shapes = set(re.findall(r"^bpsssh:(\w+) a sh:NodeShape", text, re.M))
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
