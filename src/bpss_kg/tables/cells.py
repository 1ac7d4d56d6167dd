"""Cell values as counties type them → clean values: text, standard numbers, dates, decimals."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation


class CellError(ValueError):
    """A cell that cannot be read; carries the reason in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


EMPTY_MARKS = {"", "无", "—", "——", "-", "--", "/", "／", "n/a", "na", "none", "null", "空"}
_LIST_SEPARATORS = re.compile(r"[；;、，,\n\r]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: object) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _CONTROL.sub("", str(value)).replace("\u3000", " ").strip()


def is_empty(value: object) -> bool:
    return text(value).lower() in EMPTY_MARKS


def split_list(value: object) -> list[str]:
    """``a；b、c`` → ``[a, b, c]``: the separators counties use for several values."""
    if is_empty(value):
        return []
    return [part.strip() for part in _LIST_SEPARATORS.split(text(value)) if part.strip()]


def loose(value: str) -> str:
    """Text compared loosely: NFKC, no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower()


# -- standard numbers ----------------------------------------------------------------------------
_DASH_CHARS = "-—–―‐‑‒−－~～"
_NUMBER_FORMS = (
    re.compile(r"^(GB(?:/[TZ])?) ?(\d+(?:\.\d+)*)—(\d{4}|\d{2})$"),
    re.compile(r"^(DB\d{2}(?:\d{2})?(?:/T)?) ?(\d+(?:\.\d+)*)—(\d{4}|\d{2})$"),
    re.compile(r"^(DJG\d{6}/T) ?(\d+(?:\.\d+)*)—(\d{4}|\d{2})$"),
    re.compile(r"^([A-Z]{2}/T) ?(\d+(?:\.\d+)*)—(\d{4}|\d{2})$"),
    re.compile(r"^([TQ]/[A-Z][A-Z0-9]*) (\d+(?:\.\d+)*)—(\d{4}|\d{2})$"),
    re.compile(r"^([TQ]/[A-Z]+) ?(\d+(?:\.\d+)*)—(\d{4}|\d{2})$"),
)


def standard_number(value: object) -> str:
    """A standard number in the printed form ``DB37/T 4512—2022``.

    Accepts ASCII and full-width characters, ``-`` ``—`` ``–`` ``－`` as the year dash, and
    missing or extra spaces. Raises ``CellError`` for anything that is not a GB, GB/T, GB/Z,
    industry (XX/T), local (DBxx/T, DBxxxx/T), county (DJGxxxxxx/T), group (T/) or enterprise
    (Q/) number with a year.
    """
    raw = text(value)
    s = unicodedata.normalize("NFKC", raw).upper()
    s = re.sub(f"\\s*[{re.escape(_DASH_CHARS)}]+\\s*", "—", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s*/\s*", "/", s)
    s = re.sub(r"^(DB|DJG) (?=\d)", r"\1", s)
    for form in _NUMBER_FORMS:
        match = form.match(s)
        if match:
            return f"{match.group(1)} {match.group(2)}—{match.group(3)}"
    raise CellError("不是有效的标准编号（例如 DB37/T 4512—2022）",
                    "not a valid standard number (e.g. DB37/T 4512—2022)")


# -- dates -------------------------------------------------------------------------------------
_DATE_TEXT = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = date(1899, 12, 30)


def a_date(value: object) -> date:
    """A date typed as an Excel date, a serial number, or text (2023-12-28, 2023/12/28,
    2023年12月28日, 20231228)."""
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool) \
            and 1 <= value < 100_000 and float(value).is_integer():
        found = _EXCEL_EPOCH + timedelta(days=int(value))
    else:
        s = unicodedata.normalize("NFKC", text(value)).replace(" ", "")
        s = re.sub(r"(\d{4}-\d{2}-\d{2})T00:00(:00)?$", r"\1", s)
        for form in _DATE_TEXT:
            match = form.match(s)
            if match:
                try:
                    found = date(*(int(g) for g in match.groups()))
                except ValueError:
                    raise CellError("不是存在的日期", "not a real calendar date") from None
                break
        else:
            raise CellError("不是有效的日期（例如 2023-12-28 或 2023年12月28日）",
                            "not a valid date (e.g. 2023-12-28)")
    if not 1900 <= found.year <= 2100:
        raise CellError("日期年份不在 1900–2100 之间", "the year is not between 1900 and 2100")
    return found


# -- numbers -----------------------------------------------------------------------------------
def a_decimal(value: object) -> Decimal:
    """A number as a decimal (``91.5``, ``91.5%`` and ``1,850,000`` accepted)."""
    if isinstance(value, bool):
        raise CellError("不是数值", "not a number")
    if isinstance(value, (int, float)):
        raw = repr(value)
    else:
        raw = unicodedata.normalize("NFKC", text(value)).replace(",", "").replace(" ", "")
        raw = raw.rstrip("%")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError("不是数值", "not a number") from None
    if not number.is_finite():
        raise CellError("不是有限数值", "not a finite number")
    return number


def canonical_decimal(number: Decimal) -> str:
    """The canonical xsd:decimal form, as the store keeps it: ``25.0`` → ``25``,
    ``91.50`` → ``91.5``."""
    fixed = format(number, "f")
    if "." in fixed:
        fixed = fixed.rstrip("0").rstrip(".")
    return "0" if fixed in ("-0", "") else fixed


def a_year(value: object) -> int:
    raw = text(value).removesuffix("年")
    if not re.fullmatch(r"\d{4}", raw) or not 1900 <= int(raw) <= 2100:
        raise CellError("不是有效的年度（四位数字，例如 2024）",
                        "not a valid year (four digits, e.g. 2024)")
    return int(raw)


_YES = {"是", "y", "yes", "true", "1", "合成", "合成数据"}
_NO = {"否", "n", "no", "false", "0", "真实", "非合成"}


def yes_no(value: object) -> bool | None:
    """是 / 否 (or yes / no); None for an empty cell."""
    if is_empty(value) and text(value) != "-":
        return None
    raw = loose(text(value))
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError("应填“是”或“否”", "expected 是 (yes) or 否 (no)")
