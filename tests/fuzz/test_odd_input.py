"""JSON bodies of any nesting and size, and filters of any value, get a clear 4xx from
every JSON and filter endpoint, never a 5xx (replays: deeply nested JSON raised
RecursionError in the autosave and the API; ?to=9999-12-31 overflowed a date)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_api import token_for
from tests.web.world import QUESTIONNAIRE, World

pytestmark = pytest.mark.slow

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["na", "\x00", "9" * 400, "😀", "1e309", "0.0", "-1"]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=30,
)
DEPTHS = st.integers(min_value=1, max_value=5_000)


def nested(depth: int, kind: str) -> str:
    """A JSON body nested ``depth`` levels deep inside the answer's value."""
    opening, closing = ("[", "]") if kind == "list" else ('{"a":', "}")
    return '{"question_id": "%s", "value": %s1%s}' % (  # noqa: UP031
        QUESTIONNAIRE.questions[0].id,
        opening * depth,
        closing * depth,
    )


SETTINGS = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def json_endpoints(app: Flask, world: World) -> list[tuple[Any, str, str, dict[str, str]]]:
    """(client, method, url, headers) of every endpoint that reads a JSON body."""
    a2, org = world.ids["a2"], world.ids["org_a"]
    first = QUESTIONNAIRE.questions[0].id
    api = token_for(app, "owner")
    return [
        (world.client("owner"), "POST", f"/assessments/{a2}/answers", {}),
        (app.test_client(), "PUT", f"/api/v1/assessments/{a2}/answers/{first}", api),
        (app.test_client(), "POST", f"/api/v1/organisations/{org}/assessments", api),
        (app.test_client(), "POST", f"/api/v1/assessments/{a2}/submit", api),
    ]


BODIES = st.one_of(
    JSON_VALUES.map(json.dumps),
    st.builds(nested, DEPTHS, st.sampled_from(["list", "object"])),
    st.text(max_size=200),  # not JSON at all
)


def test_json_bodies_of_any_shape_never_cause_a_server_error(app: Flask, world: World) -> None:
    endpoints = json_endpoints(app, world)

    @given(body=BODIES, endpoint=st.sampled_from(range(len(endpoints))))
    @settings(
        max_examples=160, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def send(body: str, endpoint: int) -> None:
        client, method, url, headers = endpoints[endpoint]
        response = client.open(
            url, method=method, data=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code < 500, (method, url, body[:200], response.status_code)

    send()


@pytest.mark.parametrize("depth", [33, 900, 1_100, 100_000])
def test_deeply_nested_json_is_a_clear_bad_request(app: Flask, world: World, depth: int) -> None:
    body = nested(depth, "list")
    page = world.client("owner").post(
        f"/assessments/{world.ids['a2']}/answers", data=body, content_type="application/json"
    )
    assert page.status_code == 400 and page.json["error"]["message"] == "无法读取提交的答案。"
    api = app.test_client().put(
        f"/api/v1/assessments/{world.ids['a2']}/answers/{QUESTIONNAIRE.questions[0].id}",
        data=body,
        headers={**token_for(app, "owner"), "Content-Type": "application/json"},
    )
    # The deepest is also larger than the API takes: refused as too large, unread.
    expected = (400, "bad_request") if len(body) <= 64 * 1024 else (413, "too_large")
    assert (api.status_code, api.json["error"]["code"]) == expected


FILTER_VALUES = st.one_of(
    st.sampled_from(
        ["9999-12-31", "0001-01-01", "2026-02-30", "1999-12-31", "2100-01-01", "", "C", "large",
         "330000", "330100", "110100", "x" * 5_000, "\x00", "2026-13-01", "+002026-01-01",
         "2026", "2026-Q1", "9999-Q4", "2026-Q0", "sme-digital@3.0.0", "sme-digital@9"]
    ),
    st.dates().map(str),
    st.text(max_size=30),
)  # fmt: skip
FILTERS = st.dictionaries(
    st.sampled_from(["section", "size", "province", "city", "period", "version", "other"]),
    FILTER_VALUES,
    max_size=6,
)


def test_filters_of_any_value_never_cause_a_server_error(app: Flask, world: World) -> None:
    c = world.ids["centre"]
    reviewer = world.client("reviewer")
    api = app.test_client()
    headers = token_for(app, "reviewer")

    @given(filters=FILTERS, target=st.sampled_from(["page", "csv", "xlsx", "api"]))
    @SETTINGS
    def query(filters: dict[str, str], target: str) -> None:
        if target == "api":
            response = api.get(
                f"/api/v1/centres/{c}/aggregates", query_string=filters, headers=headers
            )
        elif target == "page":
            response = reviewer.get(f"/centres/{c}/dashboard", query_string=filters)
        else:
            response = reviewer.get(f"/centres/{c}/dashboard.{target}", query_string=filters)
        assert response.status_code < 500, (target, filters, response.status_code)

    query()


def test_a_period_at_the_end_of_time_is_a_clear_refusal(app: Flask, world: World) -> None:
    """Dashboards read releases of closed periods: a period that has none (the end of
    time, or a quarter that does not exist) is said, not computed."""
    c = world.ids["centre"]
    for period in ("9999-Q4", "2026-Q5", "2026-13"):
        page = world.client("reviewer").get(f"/centres/{c}/dashboard?period={period}")
        assert page.status_code == 400 and "部分筛选条件无法识别" in page.get_data(as_text=True)
        api = app.test_client().get(
            f"/api/v1/centres/{c}/aggregates?period={period}", headers=token_for(app, "reviewer")
        )
        assert api.status_code == 404 and api.json["error"]["code"] == "no_release"
        assert api.json["error"]["problems"] == [f"period: {period!r}"]
