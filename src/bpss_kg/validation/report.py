"""Reports a standardization officer reads: findings per county, then per principle, in Chinese
with English, naming the focus node by label and IRI, the clause and the fix."""

from __future__ import annotations

import json
from collections import defaultdict

import pyoxigraph as ox

from ..store import Store
from .findings import Finding, report_graph
from .runner import ValidationRun

GROUPS = {  # rule group → (zh, en), in report order
    "structure": ("体系结构", "Structure"),
    "target-clarity": ("目标明确（GB/T 43507—2023 4.1）", "Target clarity (4.1)"),
    "local-adaptation": ("因地制宜（4.2）", "Local adaptation (4.2)"),
    "coordination-unity": ("协调统一（4.3）", "Coordination and unity (4.3)"),
    "dynamic-adjustment": ("动态调整（4.4）", "Dynamic adjustment (4.4)"),
    "monitoring": ("监测（国家基准，推断）", "Monitoring (national baselines, inferred)"),
    "work-guide": ("工作指南：立项与研制", "Work guide: proposal and drafting"),
    "data-quality": ("数据质量", "Data quality"),
    "other": ("其他规则", "Other rules"),
}
LABELS = """
SELECT ?label WHERE {
  { ?node <http://www.w3.org/2000/01/rdf-schema#label> ?label }
  UNION { ?node <http://purl.org/dc/terms/title> ?label }
  FILTER(lang(?label) = "zh" || lang(?label) = "")
} LIMIT 1
"""


def _label(store: Store | None, focus: str, cache: dict[str, str]) -> str:
    if store is None or not focus.startswith("<"):
        return ""
    if focus not in cache:
        cache[focus] = ""
        result = store.query(LABELS.replace("?node", focus))
        for solution in result:  # type: ignore[union-attr]
            cache[focus] = solution["label"].value
    return cache[focus]


def _short(term: str | None) -> str:
    if term is None:
        return ""
    return term[1:-1] if term.startswith("<") else term


def render_text(run: ValidationRun, store: Store | None = None) -> str:
    """The report as text: per county, per principle group."""
    lines = [f"校验结果 Validation report — 规则 shapes {run.shapes.version} "
             f"({run.shapes.digest}), 基准日 as of {run.as_of.isoformat()}, "
             f"引擎 engine {run.engine}"]
    if run.skipped_unchanged:
        lines.append(f"未变化、沿用上次结果的单元 unchanged units reused: "
                     f"{len(run.skipped_unchanged)}")
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for finding in run.findings:
        by_unit[finding.unit].append(finding)
    labels: dict[str, str] = {}
    for unit in sorted({u.name for u in run.units} | set(by_unit)):
        findings = by_unit.get(unit, [])
        head = f"[{unit}]"
        if unit.isdigit():
            name = _label(store, f"<https://w3id.org/bpss-kg/id/place/{unit}>", labels)
            head = f"[{unit} {name}]".replace(" ]", "]")
        if not findings:
            lines.append(f"{head} 符合 conforms")
            continue
        lines.append(f"{head} {len(findings)} 项问题 finding(s)")
        by_group: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            by_group[run.shapes.info(finding.shape).group].append(finding)
        for group in sorted(by_group, key=lambda g: list(GROUPS).index(g) if g in GROUPS else 99):
            zh, en = GROUPS.get(group, (group, group))
            lines.append(f"  ■ {zh} / {en}")
            for finding in by_group[group]:
                info = run.shapes.info(finding.shape)
                label = _label(store, finding.focus, labels)
                lines.append(f"    - {finding.message('zh')} / {finding.message('en')}")
                lines.append(f"      对象 focus: {label} <{_short(finding.focus)}>".replace(
                    ":  <", ": <"))
                if finding.value is not None and finding.value != finding.focus:
                    lines.append(f"      值 value: {_short(finding.value)}")
                if finding.path is not None:
                    lines.append(f"      属性 path: {_short(finding.path)}")
                clause = f"{info.clause} " if info.clause else ""
                lines.append(f"      依据 clause: {clause}[{info.fault or '-'}]")
                if info.fix:
                    fix_zh, fix_en = info.fix.get("zh", ""), info.fix.get("en", "")
                    lines.append(f"      整改 fix: {fix_zh} / {fix_en}")
    total = len(run.findings)
    lines.append(f"共 {total} 项问题 / {total} finding(s) in {len(run.units)} unit(s): "
                 + ("符合 conforms" if not total else "不符合 does not conform"))
    return "\n".join(lines) + "\n"


def render_json(run: ValidationRun) -> str:
    return json.dumps({
        "conforms": run.conforms,
        "as_of": run.as_of.isoformat(),
        "shapes": {"version": run.shapes.version, "digest": run.shapes.digest},
        "engine": run.engine,
        "run_id": run.run_id or None,
        "units": [u.name for u in run.units],
        "unchanged_units_reused": run.skipped_unchanged,
        "warnings": run.warnings,
        "findings": [f.to_dict() | {"fault": run.shapes.info(f.shape).fault,
                                    "group": run.shapes.info(f.shape).group}
                     for f in run.findings],
    }, ensure_ascii=False, indent=1)


def render_turtle(run: ValidationRun) -> str:
    return report_graph(run.findings, shapes=run.shapes.graph).serialize(format="turtle")


__all__ = ["ox", "render_json", "render_text", "render_turtle"]
