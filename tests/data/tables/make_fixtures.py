"""Build the hand-made table fixtures of tests/test_tables.py (run: python make_fixtures.py).

Each file is the smallest table that shows one tolerated variant or one kind of error; the
expected rows and columns of the errors are asserted in the tests. The XLSX files and the CSV
files are committed; this script says how they were made.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

# The columns as a county might write them: 2009-era GB/T 13016 headers with variants
# (spaces, full-width brackets, synonyms), then the bpss-kg columns.
VARIANT_HEADER = ["序 号", "标准体系表编号", "标准名称（必填）", "标准号", "宜定级别", "实施日期",
                  "被代替标准号或作废", "备注", "子体系名称", "标准类别",
                  "实施的国家基本公共服务项目", "状态", "发布单位", "发布日期", "复审日期",
                  "英文名称"]
GOOD_ROWS = [
    [1, "JZ-101", "东营区基本公共服务术语（测试表）", "DB37/T 4701-2023", "地方标准",
     datetime(2023, 4, 15), "", "", "基准指标", "基础通用", "", "现行", "山东省市场监督管理局",
     "2023/03/15", "", "Terms (test table)"],
    [2, "JZ-102", "东营区服务项目清单（测试表）", "db37/t4702—2024", "", "2024年4月15日", "",
     "", "基准指标", "服务项目标准", "1；2、3", "现行", "山东省市场监督管理局", 20240315, "",
     ""],
    [3, "SS-201", "东营区预防接种服务规范（测试表）", "DB37／T ４７０３－2022", "", "2022-04-15",
     "DB37/T 4700–2016", "", "服务实施", "服务提供", "10", "现行", "山东省市场监督管理局",
     "2022-03-15", "2025-03-01", ""],
    [4, "", "东营区预防接种服务规范（旧版，测试表）", "DB37/T 4700 - 2016", "", "", "", "",
     "", "服务提供", "", "被代替", "", "2016-05-01", "", ""],
    [None, None, None, None, None, None, None, None, None, None, None, None, None, None, None,
     None],
    [5, "JC-301", "东营区服务评价规范（测试表，拟制定）", "", "地方", "", "", "拟制定", "监测改进",
     "评估评价", "", "拟制定", "", "", "", ""],
]
INDICATOR_HEADER = ["指标名称", "年份", "指标值", "计量单位"]
INDICATOR_ROWS = [
    ["适龄儿童国家免疫规划疫苗接种率", 2024, 96.5, "%"],
    ["65岁及以上老年人健康管理率", "2024年", "71.20", ""],
]


def _good_xlsx() -> None:
    """Merged title rows above the header, header variants, Excel dates and text dates,
    number variants, a blank row; an indicator sheet under its own title row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "标准明细表"
    sheet["A1"] = "东营区基本公共服务标准体系"
    sheet.merge_cells("A1:P1")
    sheet["A2"] = "标准明细表（测试用，非官方）"
    sheet.merge_cells("A2:P2")
    sheet.append(VARIANT_HEADER)
    for row in GOOD_ROWS:
        sheet.append(row)
    sheet["F4"].number_format = "yyyy-mm-dd"
    values = book.create_sheet("指标")
    values["A1"] = "指标数值"
    values.merge_cells("A1:D1")
    values.append(INDICATOR_HEADER)
    for row in INDICATOR_ROWS:
        values.append(row)
    book.save(HERE / "good-merged-title.xlsx")


BAD_HEADER = ["序号", "标准体系编号", "标准名称", "标准编号", "实施日期", "子体系", "标准类别",
              "实施的国家基本公共服务项目", "状态", "合成数据"]
BAD_ROWS = [
    # row 3: fine
    [1, "A-1", "正常标准", "DB37/T 4801—2023", "2023-01-01", "基准指标", "基础通用", "1", "现行",
     ""],
    # row 4: bad standard number
    [2, "A-2", "编号错误", "DB37/X 12", "2023-01-01", "基准指标", "基础通用", "", "现行", ""],
    # row 5: bad date
    [3, "A-3", "日期错误", "DB37/T 4803—2023", "2023-13-45", "基准指标", "基础通用", "", "现行",
     ""],
    # row 6: unknown kind
    [4, "A-4", "类别错误", "DB37/T 4804—2023", "", "基准指标", "基础设施", "", "现行", ""],
    # row 7: empty title (required)
    [5, "A-5", "", "DB37/T 4805—2023", "", "基准指标", "基础通用", "", "现行", ""],
    # row 8: unknown status
    [6, "A-6", "状态错误", "DB37/T 4806—2023", "", "基准指标", "基础通用", "", "已过期", ""],
    # row 9: item number out of range
    [7, "A-7", "项目错误", "DB37/T 4807—2023", "", "基准指标", "基础通用", "99", "现行", ""],
    # row 10: the same standard as row 3
    [8, "A-8", "重复标准", "DB37/T 4801-2023", "", "基准指标", "基础通用", "", "现行", ""],
    # row 11: unknown sub-system
    [9, "A-9", "子体系错误", "DB37/T 4809—2023", "", "基本指标", "基础通用", "", "现行", ""],
    # row 12: neither number nor system number
    [10, "", "没有编号", "", "", "基准指标", "基础通用", "", "拟制定", ""],
    # row 13: bad yes/no
    [11, "A-11", "合成标记错误", "DB37/T 4811—2023", "", "基准指标", "基础通用", "", "现行",
     "也许"],
]
BAD_INDICATOR_HEADER = ["指标", "年度", "数值", "单位"]
BAD_INDICATOR_ROWS = [
    ["不存在的指标", 2024, 90, "%"],                      # row 3: unknown indicator
    ["适龄儿童国家免疫规划疫苗接种率", "24", 90, "%"],     # row 4: bad year
    ["适龄儿童国家免疫规划疫苗接种率", 2023, "很高", "%"],  # row 5: bad value
    ["适龄儿童国家免疫规划疫苗接种率", 2022, 90, "天"],     # row 6: unit mismatch
]


def _bad_xlsx() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "标准明细表"
    sheet["A1"] = "有错误的表（测试用）"
    sheet.append(BAD_HEADER)
    for row in BAD_ROWS:
        sheet.append(row)
    values = book.create_sheet("指标")
    values["A1"] = "指标"
    values.append(BAD_INDICATOR_HEADER)
    for row in BAD_INDICATOR_ROWS:
        values.append(row)
    book.save(HERE / "bad-cells.xlsx")


def _missing_column_xlsx() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "标准明细表"
    sheet.append(["序号", "标准名称", "标准编号", "状态"])
    sheet.append([1, "缺少类别列", "DB37/T 4901—2023", "现行"])
    book.save(HERE / "missing-column.xlsx")


CSV_HEADER = ["序号", "标准体系编号", "标准名称", "标准编号", "实施日期", "子体系", "标准类别",
              "实施的国家基本公共服务项目", "状态", "发布机构"]
CSV_ROWS = [
    ["1", "B-1", "测试表 CSV 标准一", "DB37/T 4901-2023", "2023年6月1日", "服务实施", "服务保障",
     "7、8", "现行", "山东省市场监督管理局"],
    ["2", "B-2", "测试表 CSV 标准二", "DB37/T4902—2024", "20240601", "", "数字支撑", "", "制定中",
     ""],
    ["", "", "", "", "", "", "", "", "", ""],
]


def _csv_text(title_row: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if title_row:
        writer.writerow(["东营区标准明细表（测试用）"] + [""] * (len(CSV_HEADER) - 1))
    writer.writerow(CSV_HEADER)
    writer.writerows(CSV_ROWS)
    return buffer.getvalue()


def _csvs() -> None:
    (HERE / "good-utf8.csv").write_bytes(_csv_text(False).encode("utf-8"))
    (HERE / "good-utf8-bom.csv").write_bytes(_csv_text(False).encode("utf-8-sig"))
    (HERE / "good-gbk-title-row.csv").write_bytes(_csv_text(True).encode("gbk"))
    bad = io.StringIO()
    writer = csv.writer(bad, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerow(["1", "B-1", "正常", "DB37/T 4901-2023", "2023-06-01", "服务实施", "服务保障",
                     "", "现行", ""])
    writer.writerow(["2", "B-2", "日期错误", "DB37/T 4902-2024", "2024/02/30", "服务实施",
                     "服务保障", "", "现行", ""])
    writer.writerow(["3", "B-3", "项目名称错误", "DB37/T 4903-2024", "", "服务实施", "服务保障",
                     "不存在的服务", "现行", ""])
    (HERE / "bad-rows.csv").write_bytes(bad.getvalue().encode("gbk"))
    indicators = io.StringIO()
    writer = csv.writer(indicators, lineterminator="\n")
    writer.writerow(["指标", "年度", "数值", "单位"])
    writer.writerow(["适龄儿童国家免疫规划疫苗接种率", "2024", "97.5", "%"])
    (HERE / "indicators.csv").write_bytes(indicators.getvalue().encode("utf-8"))


if __name__ == "__main__":
    _good_xlsx()
    _bad_xlsx()
    _missing_column_xlsx()
    _csvs()
