"""schemathesis against the OpenAPI description: every operation of the JSON API, fuzzed from
its own schema, never answers with a server error and always answers as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from bpss_kg.config import Settings
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore
from server import create_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("schemathesis") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    application = create_app(Settings(store=str(path), query_workers=1, query_timeout=10.0),
                             store)
    yield application
    application.extensions["bpss_kg"].queries.close()
    store.close()


def test_api_operations_never_fail_on_fuzzed_input(app):
    from hypothesis import given

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 16

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def check(case):  # type: ignore[no-untyped-def]
            response = case.call()
            assert response.status_code < 500, (case.path, case.query, response.text[:300])

        check()
