"""The reference engine: pySHACL on an rdflib graph (exact SHACL semantics, slow)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from ..errors import BadInput
from ..rdf_terms import quiet_rdflib_literal_warnings
from .findings import Finding


def findings_from_report(report: Graph, unit: str = "") -> list[Finding]:
    """Findings of a W3C validation report graph (pySHACL's or any engine's)."""
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        def one(predicate: URIRef, result=result):  # type: ignore[no-untyped-def]
            value = report.value(result, predicate)
            return value.n3() if value is not None else None

        messages = tuple(sorted((m.language or "", str(m))
                                for m in report.objects(result, SH.resultMessage)
                                if isinstance(m, Literal)))
        out.append(Finding(
            focus=one(SH.focusNode) or "",
            shape=one(SH.sourceShape) or "",
            component=str(report.value(result, SH.sourceConstraintComponent)),
            path=one(SH.resultPath),
            value=one(SH.value),
            severity=str(report.value(result, SH.resultSeverity)),
            messages=messages,
            unit=unit,
            constraint=one(SH.sourceConstraint),
        ))
    return sorted(out)


def validate_with_pyshacl(data: Graph, shapes: Graph, focus_nodes: list[URIRef] | None = None,
                          unit: str = "") -> list[Finding]:
    from pyshacl import validate
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    if focus_nodes is not None and not focus_nodes:
        return []
    quiet_rdflib_literal_warnings()  # ill-typed literals are findings, not tracebacks
    try:
        _conforms, report, _text = validate(
            data, shacl_graph=shapes, inference="none", advanced=True,
            focus_nodes=focus_nodes, allow_warnings=False)
    except (ShapeLoadError, ConstraintLoadError) as error:
        raise BadInput(f"ill-formed shapes: {error}") from None
    except ReportableRuntimeError as error:
        raise BadInput(f"validation failed: {error}") from None
    except NotImplementedError as error:  # e.g. $shapesGraph in a SPARQL constraint
        raise BadInput(f"the shapes use a SHACL feature that is not supported: {error}") \
            from None
    if not isinstance(report, Graph):  # pySHACL's ValidationFailure
        raise BadInput(f"pySHACL could not validate: {report}")
    return findings_from_report(report, unit)
