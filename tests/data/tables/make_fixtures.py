"""Writes the hand-made table fixtures of tests/test_tables.py (run once; outputs committed).

Every table is TEST DATA for a real county code (370502) with invented standards.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = ["序号", "标准体系编号", "标准名称", "标准编号", "宜定级别", "实施日期", "被代替标准号",
          "备注", "子体系", "标准类别", "实施的国家基本公共服务项目", "状态", "发布机构", "发布日期"]
GOOD = [
    [1, "JZ-01", "东营区基本公共服务术语（测试数据）", "DB37/T 9501—2024", "地方标准", "2024-05-01",
     "", "", "基准指标", "基础通用标准", "", "现行", "山东省市场监督管理局", "2024-04-01"],
    [2, "SS-01", "东营区预防接种服务规范（测试数据）", "DB37/T9502-2024", "地方标准", "2024/06/01",
     "DB37/T 9400—2016", "", "服务实施", "服务提供标准", "10、02", "现行", "", "2024年5月1日"],
    [3, "JC-01", "东营区满意度评价规范（测试数据）", "DB37/T 9503 – 2025", "", "20250301",
     "", "试行", "监测改进", "评估评价标准", "预防接种", "现行", "", "2025-02-01"],
]


def write_csv(name: str, rows: list[list[object]], encoding: str = "utf-8",
              header: list[str] = HEADER, title: str | None = None) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if title:
        writer.writerow([title])
    writer.writerow(header)
    writer.writerows(rows)
    (HERE / name).write_bytes(buffer.getvalue().encode(encoding))


def main() -> None:
    write_csv("good-utf8.csv", GOOD)
    fullwidth = [h.replace("标准编号", "标准号 ") for h in HEADER]
    fullwidth[0] = "序 号"
    write_csv("good-gbk-title-row.csv", GOOD, "gbk", fullwidth,
              title="东营区基本公共服务标准明细表（测试数据）")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "标准明细表"
    sheet.append(["东营区基本公共服务标准明细表（测试数据）"])
    sheet.merge_cells("A1:N1")
    sheet.append(HEADER)
    for row in GOOD:
        row = list(row)
        row[5] = datetime(2024, 5, 1) if row[0] == 1 else row[5]  # an Excel date cell
        sheet.append(row)
    indicators = workbook.create_sheet("指标")
    indicators.append(["指标", "年度", "数值", "单位"])
    indicators.append(["适龄儿童国家免疫规划疫苗接种率", 2024, 95.5, "%"])
    workbook.save(HERE / "good-merged-title.xlsx")
    bad = [list(r) for r in GOOD]
    bad[0][3] = "DB37/X 12"          # row 3: bad number
    bad[1][5] = "2024-13-45"         # row 4: bad date
    bad[2][9] = "服务提供标准"        # row 5: kind not in the sub-system 监测改进
    bad.append([4, "SS-02", "", "", "", "", "", "", "服务实施", "服务保障标准", "", "", "", ""])
    bad.append([5, "SS-03", "未知项目的标准（测试数据）", "", "", "", "", "", "服务实施",
                "数字支撑标准", "不存在的项目", "", "", ""])
    bad.append([6, "SS-04", "类别错误的标准（测试数据）", "", "", "", "", "", "服务实施", "神秘标准",
                "", "", "", ""])
    write_csv("bad-rows.csv", bad)
    write_csv("missing-column.csv", [[1, "JZ-01", "东营区术语（测试数据）"]],
              header=["序号", "标准体系编号", "标准名称"])


if __name__ == "__main__":
    main()
