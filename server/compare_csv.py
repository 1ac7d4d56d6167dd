"""The compare page's two CSV downloads (issue 20): items and indicators in separate tables, so
that each column holds one kind of value; an indicator's value, year and verdict in columns of
their own; every word in the language of the page; the item number kept as the list writes it.

Like every CSV bpss-kg serves, the file is UTF-8 without a byte-order mark (docs/data-sharing.md
says why). Each file has CSVW metadata (``format=csvw``, linked from the CSV's ``Link: …;
rel="describedby"`` header) giving each column its datatype: the item number is a ``string``
("04" stays "04"), standard counts and values are numbers.
"""

from __future__ import annotations

import csv
import io

from bpss_kg.browse.compare import Comparison

from .messages import message, unit_text

PARTS = ("items", "indicators")
CSVW_CONTEXT = "http://www.w3.org/ns/csvw"


def _words(lang: str) -> dict[str, str]:
    zh = lang != "en"
    return {
        "number": "编号" if zh else "number", "item": "项目" if zh else "item",
        "placeholder": "待补" if zh else "placeholder", "yes": "是" if zh else "yes",
        "no": "否" if zh else "no", "indicator": "指标" if zh else "indicator",
        "unit": "单位" if zh else "unit", "baseline": "国家基准" if zh else "national baseline",
        "direction": "方向" if zh else "direction", "value": "数值" if zh else "value",
        "year": "年份" if zh else "year", "meets": "达标" if zh else "meets baseline",
        "standards": "标准数" if zh else "standards",
    }


def items_csv(comparison: Comparison, lang: str) -> str:
    """A row per national item: its number, name, whether a placeholder, standards per county."""
    w = _words(lang)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([w["number"], w["item"], w["placeholder"],
                     *(f"{c.label} {c.code} {w['standards']}" for c in comparison.counties)])
    for row in comparison.items:
        writer.writerow([row.number, row.label, w["yes"] if row.placeholder else w["no"],
                         *(cell.standards for cell in row.cells)])
    return out.getvalue()


def indicators_csv(comparison: Comparison, lang: str) -> str:
    """A row per indicator: unit, baseline and its direction in words, then per county the
    latest value, its year and whether it meets the baseline, each in its own column."""
    w = _words(lang)
    out = io.StringIO()
    writer = csv.writer(out)
    per_county = []
    for c in comparison.counties:
        per_county += [f"{c.label} {c.code} {w['value']}", f"{c.label} {c.code} {w['year']}",
                       f"{c.label} {c.code} {w['meets']}"]
    writer.writerow([w["indicator"], w["unit"], w["baseline"], w["direction"], *per_county])
    for ind in comparison.indicators:
        cells: list[str] = []
        for v in ind.values:
            if v is None:
                cells += ["", "", ""]
            else:
                meets = "" if v.meets is None else w["yes"] if v.meets else w["no"]
                cells += [f"{v.value:g}", v.year, meets]
        direction = message(f"county.direction.{ind.direction}", lang) if ind.direction else ""
        baseline = "" if ind.baseline is None else f"{ind.baseline:g}"
        writer.writerow([ind.label, unit_text(ind.unit, lang), baseline, direction, *cells])
    return out.getvalue()


def csvw_metadata(comparison: Comparison, part: str, lang: str, csv_url: str
                  ) -> dict[str, object]:
    """CSVW metadata (W3C Metadata Vocabulary for Tabular Data) of one compare CSV: column
    titles as the file writes them, and each column's datatype."""
    w = _words(lang)
    columns: list[tuple[str, str, str]] = []  # name, title, datatype
    if part == "items":
        columns += [("number", w["number"], "string"), ("item", w["item"], "string"),
                    ("placeholder", w["placeholder"], "string")]
        columns += [(f"standards_{c.code}", f"{c.label} {c.code} {w['standards']}", "integer")
                    for c in comparison.counties]
    else:
        columns += [("indicator", w["indicator"], "string"), ("unit", w["unit"], "string"),
                    ("baseline", w["baseline"], "decimal"),
                    ("direction", w["direction"], "string")]
        for c in comparison.counties:
            columns += [(f"value_{c.code}", f"{c.label} {c.code} {w['value']}", "decimal"),
                        (f"year_{c.code}", f"{c.label} {c.code} {w['year']}", "gYear"),
                        (f"meets_{c.code}", f"{c.label} {c.code} {w['meets']}", "string")]
    return {
        "@context": [CSVW_CONTEXT, {"@language": "zh" if lang != "en" else "en"}],
        "url": csv_url,
        "dialect": {"encoding": "utf-8", "header": True, "headerRowCount": 1},
        "tableSchema": {"columns": [{"name": name, "titles": title, "datatype": datatype}
                                    for name, title, datatype in columns]},
    }
