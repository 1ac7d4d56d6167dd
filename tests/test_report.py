"""The county assessment report (issue 19): the HTML page in both languages, the PDF printed
by chromium (read back: pages and text), `bpss-kg report`, and bad input."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from bpss_kg.cli import app
from bpss_kg.config import Settings
from bpss_kg.loading import load_sample
from bpss_kg.pdf import chromium
from bpss_kg.store import OxigraphStore
from server import create_app

from .http_server import running

pdfium = pytest.importorskip("pypdfium2")


def pdf_text(data: bytes) -> tuple[int, str]:
    document = pdfium.PdfDocument(data)
    return len(document), "\n".join(document[i].get_textpage().get_text_range()
                                    for i in range(len(document)))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    store.close()
    return path


@pytest.fixture(scope="module")
def base(sample):
    store = OxigraphStore(sample)
    application = create_app(Settings(store=str(sample), query_workers=1), store)
    with running(application) as url:
        yield url
    application.extensions["bpss_kg"].queries.close()
    store.close()


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_the_html_report_has_every_section_in_both_languages(base):
    status, kind, body = get(f"{base}/county/370502/report")
    text = body.decode()
    assert status == 200 and kind.startswith("text/html")
    for heading in ("一、总体情况", "二、国家基本公共服务标准覆盖情况", "三、服务指标与国家基准",
                    "四、按原则分列的校验问题", "五、评估评价、满意度与监测预警", "六、整改措施",
                    "七、公众意见建议", "八、标准体系版本变化"):
        assert heading in text
    assert "本县数据为合成示例数据" in text and "补齐老年人健康管理随访记录" in text
    assert "第三方评估与实地核查" in text and "1200" in text  # the survey's sample size
    english = get(f"{base}/county/370502/report?lang=en")[2].decode()
    assert "1 Overview" in english and "SYNTHETIC" in english and "一、总体情况" not in english


def test_a_bad_code_is_refused(base):
    assert get(f"{base}/county/37050x/report")[0] == 400
    assert get(f"{base}/county/999999/report")[0] == 404


@pytest.mark.slow
def test_the_pdf_is_printed_with_charts_and_chinese_text(base):
    chromium()  # the suite installs Debian's chromium; without it this raises, not skips
    status, kind, body = get(f"{base}/county/370502/report.pdf")
    assert status == 200 and kind == "application/pdf" and body.startswith(b"%PDF")
    pages, text = pdf_text(body)
    assert pages >= 2
    assert "东营区基本公共服务标准体系评估报告" in text and "三、服务指标与国家基准" in text
    assert "65岁及以上老年人健康管理率" in text  # the chart's axis and the table


@pytest.mark.slow
def test_the_cli_writes_the_report(runner, tmp_path):
    sample = tmp_path / "store"  # its own store: the module's is held open by the server
    store = OxigraphStore(sample)
    load_sample(store)
    store.close()
    out = tmp_path / "report.pdf"
    result = runner.invoke(app, ["report", "--county", "370503", "--out", str(out),
                                 "--lang", "en", "--store", str(sample)])
    assert result.exit_code == 0, result.output
    pages, text = pdf_text(out.read_bytes())
    assert pages >= 2 and "河口区" in text and "Improvement actions" in text
    bad = runner.invoke(app, ["report", "--county", "370503", "--out", str(tmp_path / "r.doc"),
                              "--store", str(sample)])
    assert bad.exit_code == 2 and "--out must end in .pdf or .html" in bad.output
