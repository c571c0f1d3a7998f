from __future__ import annotations

import pytest

from maturity.core.passwords import (
    MAX_LENGTH,
    PasswordProblem,
    password_problem,
    personal_words,
)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", PasswordProblem.TOO_SHORT),
        ("123456789", PasswordProblem.TOO_SHORT),
        ("x" * (MAX_LENGTH + 1), PasswordProblem.TOO_LONG),
        ("aaaaaaaaaa", PasswordProblem.PATTERN),
        ("abcabcabcabc", PasswordProblem.PATTERN),
        ("1234567890", PasswordProblem.COMMON),
        ("qwertyuiop", PasswordProblem.COMMON),
        ("password123", PasswordProblem.COMMON),
        ("correct horse battery", None),
        ("王经理的密码很安全吗", None),
        ("Tr0ub4dor&3x-river", None),
    ],
)
def test_short_common_and_patterned_passwords_are_refused(
    password: str, problem: PasswordProblem | None
) -> None:
    assert password_problem(password) == problem


def test_a_password_built_on_the_person_s_name_or_address_is_refused() -> None:
    mine = personal_words("Wang Jingli", "wangjingli@example.com")
    assert "wangjingli" in mine and "wang" in mine and "example" in mine
    assert password_problem("wangjingli2026", mine) == PasswordProblem.PERSONAL
    assert password_problem("wangjingli2026") is None  # for someone else it is fine


def test_a_long_password_is_estimated_on_its_start_quickly() -> None:
    assert password_problem("the quiet harbour keeps " * 8) is None
