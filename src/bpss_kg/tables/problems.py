"""A problem found in a table: where (sheet, row, column, value) and why, in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import BadInput, Location


@dataclass(frozen=True)
class Problem:
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        zh, en = [], []
        if self.sheet:
            zh.append(f"工作表 {self.sheet}")
            en.append(f"sheet {self.sheet}")
        if self.row is not None:
            zh.append(f"第{self.row}行")
            en.append(f"row {self.row}")
        if self.column:
            zh.append(f"{self.column} 列")
            en.append(f"column {self.column}")
        where_zh = " ".join(zh)
        where_en = ", ".join(en)
        value = f"'{self.value}' " if self.value not in (None, "") else ""
        head_zh = f"{where_zh}: " if where_zh else ""
        head_en = f"{where_en}: " if where_en else ""
        return f"{head_zh}{value}{self.reason_zh} / {head_en}{self.reason_en}"

    def to_dict(self) -> dict[str, object]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "value": self.value, "reason_zh": self.reason_zh, "reason_en": self.reason_en,
                "zh": self.reason_zh, "en": self.reason_en, "message": str(self)}

    def as_error(self, file: str | None = None) -> BadInput:
        return BadInput(str(self), Location(file=file, sheet=self.sheet, row=self.row,
                                            value=self.value))


class TableProblems(BadInput):
    """Raised with every problem of a table (nothing is imported)."""

    def __init__(self, problems: list[Problem], file: str | None = None) -> None:
        super().__init__(f"{len(problems)} problem(s) in the table; nothing was imported",
                         Location(file=file))
        self.problems = problems
