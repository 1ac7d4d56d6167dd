"""Public feedback on standards (issue 19): the library's limits, and the form, the public view
and the county office's page over HTTP (in-thread; tests/test_serve_process.py and the browser
test repeat the main path on `bpss-kg serve` and in chromium)."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bpss_kg.access import AccessRegistry, Scope, Writer
from bpss_kg.config import Settings
from bpss_kg.errors import BadInput, NotFound
from bpss_kg.feedback import MIN_FORM_SECONDS, PER_CLIENT_HOUR, FeedbackBox, TooManyRequests
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore
from server import create_app

from .http_server import running

STANDARD = "https://w3id.org/bpss-kg/id/standard/DB37-T-4604-2022"  # in 东营区's system
OFFICE = Writer("tok-fb", "东营区 office", Scope("county", "370502"))


@pytest.fixture
def feedback(tmp_path) -> FeedbackBox:
    return FeedbackBox(tmp_path)


def send(box: FeedbackBox, text: str = "接种点太远，建议增设", *, address: str = "10.0.0.1",
         age: float = 10.0, **extra: str) -> int:
    now = time.time()
    values = {"contact": "", "honeypot": ""} | extra
    return box.submit(standard=STANDARD, county="370502", text=text, address=address,
                      form_token=box.form_token(now - age), now=now, **values)


def test_an_item_is_kept_and_public_only_once_answered_and_never_with_its_contact(feedback):
    item = send(feedback, contact="13800000000")
    public = feedback.public(STANDARD)
    assert public.received == 1 and public.answered == []
    [kept] = feedback.for_county("370502")
    assert kept.contact == "13800000000" and kept.status == "new"
    feedback.answer(item, OFFICE, "已增设两个接种点", close=False, county="370502")
    public = feedback.public(STANDARD)
    assert [(i.text, i.answer, i.contact) for i in public.answered] == [
        ("接种点太远，建议增设", "已增设两个接种点", None)]
    closed = feedback.answer(item, OFFICE, "", close=True, county="370502")
    assert closed.status == "closed" and closed.answer == "已增设两个接种点"
    with pytest.raises(NotFound):
        feedback.answer(item, OFFICE, "x" * 10, close=False, county="370503")


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"honeypot": "http://spam"}, "not accepted"),
    ({"age": MIN_FORM_SECONDS / 3}, "too quickly"),
    ({"age": 2 * 86_400}, "more than a day"),
    ({"text": "短"}, "at least"),
    ({"text": "长" * 2001}, "at most 2000"),
    ({"text": "含有\x07控制字符的意见"}, "control characters"),
    ({"contact": "c" * 201}, "at most 200"),
])
def test_what_is_refused(feedback, kwargs, match):
    with pytest.raises(BadInput, match=match):
        send(feedback, **kwargs)
    assert feedback.public(STANDARD).received == 0


def test_a_forged_or_foreign_form_token_is_refused(feedback, tmp_path):
    other = FeedbackBox(tmp_path / "other")
    now = time.time()
    for token in ("", "garbage", f"{now - 10:.3f}.00", other.form_token(now - 10)):
        with pytest.raises(BadInput, match="expired or was not made here"):
            feedback.submit(standard=STANDARD, county="370502", text="一条正常的意见",
                            contact="", address="a", form_token=token, now=now)


def test_rate_limit_per_client_and_the_same_text_twice(feedback):
    for n in range(PER_CLIENT_HOUR):
        send(feedback, f"第{n}条意见建议")
    with pytest.raises(TooManyRequests):
        send(feedback, "再来一条意见")
    send(feedback, "另一位市民的意见", address="10.0.0.2")  # another client is not limited
    with pytest.raises(BadInput, match="already sent"):
        send(feedback, "另一位市民的意见", address="10.0.0.2")
    assert "10.0.0.1" not in feedback.path.read_bytes().decode("latin-1")  # no address kept


# -- over HTTP --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    path = tmp_path_factory.mktemp("feedback") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    registry = AccessRegistry(path)
    tokens = {c: registry.add(Scope.of("county", c), f"{c} office")[1]
              for c in ("370502", "370503")}
    app = create_app(Settings(store=str(path), query_workers=1), store)
    with running(app) as base:
        yield base, tokens
    app.extensions["bpss_kg"].queries.close()
    store.close()


def http(method: str, url: str, fields: dict[str, str] | None = None):
    data = urllib.parse.urlencode(fields).encode() if fields is not None else None
    request = urllib.request.Request(url, data=data, method=method)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def page_of(base: str) -> str:
    return http("GET", f"{base}/resource?iri={urllib.parse.quote(STANDARD)}")[2]


def test_the_form_the_public_view_and_the_office_over_http(served):
    base, tokens = served
    page = page_of(base)
    assert 'id="feedback"' in page and "已收到 0 条" in page
    form = re.search(r'name="form" value="([^"]+)"', page).group(1)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    triples = http("GET", f"{base}/sparql?query={urllib.parse.quote(count)}")[2]
    fields = {"standard": STANDARD, "form": form, "text": "<b>预约</b>电话总占线",
              "contact": "secret-contact@example.org", "website": ""}
    assert http("POST", f"{base}/feedback", fields)[0] == 400  # sent at once: a bot's speed
    time.sleep(MIN_FORM_SECONDS + 0.2)
    status, headers, _ = http("POST", f"{base}/feedback", fields)
    assert status == 303 and headers["Location"].endswith("feedback=sent#feedback")
    page = page_of(base)
    assert "已收到 1 条" in page and "secret-contact" not in page and "预约" not in page
    # nothing of it reaches the RDF store, so nothing of it reaches /sparql or the dumps
    assert http("GET", f"{base}/sparql?query={urllib.parse.quote(count)}")[2] == triples

    office = f"{base}/county/370502/feedback"
    assert http("POST", office, {"token": ""})[0] == 400
    assert http("POST", office, {"token": tokens["370503"]})[0] == 403
    status, headers, listing = http("POST", office, {"token": tokens["370502"]})
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert "secret-contact@example.org" in listing and "&lt;b&gt;预约&lt;/b&gt;" in listing
    item = re.search(r'name="item" value="(\d+)"', listing).group(1)
    status, _, listing = http("POST", office, {"token": tokens["370502"], "item": item,
                                               "answer": "已增加接听坐席", "close": "1"})
    assert status == 200 and "已办结" in listing
    page = page_of(base)
    assert "已增加接听坐席" in page and "&lt;b&gt;预约&lt;/b&gt;" in page
    assert "secret-contact" not in page


def test_a_resource_that_is_no_county_standard_takes_no_feedback(served):
    base, _ = served
    national = "https://w3id.org/bpss-kg/id/standard/GB-T-13016-2018"
    page = http("GET", f"{base}/resource?iri={urllib.parse.quote(national)}")[2]
    form = re.search(r'name="form" value="([^"]+)"', page)
    status, _, body = http("POST", f"{base}/feedback", {
        "standard": national, "form": form.group(1) if form else "", "text": "一条意见建议"})
    assert status == 400 and "county system" in body
