"""Parsing one answer: what a form, the background save and the API may send."""

from __future__ import annotations

import pytest

from maturity.core.answers import AnswerRefused, parse_payload, parse_revision, parse_value


@pytest.mark.parametrize(
    ("raw", "value"), [("3", 3), (" 0 ", 0), (5, 5), (2.0, 2), ("na", "na"), ("٣", 3)]
)
def test_levels_as_numbers_or_text_and_not_applicable(raw: object, value: object) -> None:
    assert parse_value(raw) == value


@pytest.mark.parametrize(
    "raw", ["6", -1, 2.5, True, None, "", "²", "¹", "3.0", "1" * 40, [], {}, "NA"]
)
def test_anything_else_is_refused_as_an_invalid_value(raw: object) -> None:
    # "²" is a digit to str.isdigit() but no number int() reads: refused, not a crash.
    with pytest.raises(AnswerRefused) as refused:
        parse_value(raw)
    assert refused.value.code == "invalid_value"


def test_revisions_are_whole_numbers_of_zero_or_more() -> None:
    assert [parse_revision(raw) for raw in (None, "", "0", "7", 7, 7.0)] == [0, 0, 0, 7, 7, 7]
    for raw in ("-1", -1, "x", "³", 1.5, True):
        with pytest.raises(AnswerRefused):
            parse_revision(raw)


def test_a_json_answer_needs_its_question_a_string_note_and_a_numeric_revision() -> None:
    given = parse_payload({"question_id": "q", "value": "na", "note": "好", "revision": 2})
    assert (given.question_id, given.value, given.note, given.revision) == ("q", "na", "好", 2)
    assert parse_payload({"value": 1}, "from_url").question_id == "from_url"
    for payload in (
        [],
        {"value": 1},
        {"question_id": 3, "value": 1},
        {"question_id": "q", "value": 1, "note": 5},
        {"question_id": "q", "value": 1, "revision": "2"},
    ):
        with pytest.raises(AnswerRefused) as refused:
            parse_payload(payload)
        assert refused.value.code == "malformed"
