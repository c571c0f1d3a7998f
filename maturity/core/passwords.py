"""Which passwords are accepted (OWASP ASVS V2, NIST SP 800-63B).

At least 10 characters, and not guessable: zxcvbn estimates the guesses an
attacker needs, with its dictionaries of common passwords, names and words,
keyboard patterns, sequences, repeats and dates, plus the person's own name and
address; we ask for its score 3 ("safely unguessable") or better. No composition
rules (they make passwords harder to remember, not harder to guess).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_SCORE = 3
# zxcvbn's running time grows with the length; beyond this the estimate is settled.
ESTIMATED_PREFIX = 72


class PasswordProblem(enum.StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"  # a known password or word
    PATTERN = "pattern"  # repeats, sequences, keyboard rows, dates
    PERSONAL = "personal"  # built on the person's own name or address
    GUESSABLE = "guessable"  # none of these alone, but still too few guesses


def personal_words(*values: str) -> list[str]:
    """The parts of a name and an e-mail address that a password should not rest on."""
    words: list[str] = []
    for value in values:
        for part in re.split(r"[@.\s_+-]+", value.lower()):
            if len(part) >= 3:
                words.append(part)
        if value:
            words.append(value.lower())
    return words


def password_problem(password: str, personal: Iterable[str] = ()) -> PasswordProblem | None:
    """Why the password is refused, or None when it is accepted."""
    if len(password) < MIN_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return PasswordProblem.TOO_LONG
    from zxcvbn import zxcvbn  # loads its dictionaries on first use

    inputs = list(personal)
    estimate = zxcvbn(password[:ESTIMATED_PREFIX], user_inputs=inputs, max_length=ESTIMATED_PREFIX)
    if estimate["score"] >= MIN_SCORE:
        return None
    return _main_weakness(estimate["sequence"], len(password), inputs)


def _main_weakness(
    sequence: list[dict[str, object]], length: int, personal: list[str]
) -> PasswordProblem:
    """Name the match that covers most of the password."""
    if not sequence:
        return PasswordProblem.GUESSABLE
    widest = max(sequence, key=lambda match: len(str(match.get("token", ""))))
    if len(str(widest.get("token", ""))) * 2 < length:
        return PasswordProblem.GUESSABLE
    pattern = widest.get("pattern")
    if pattern == "dictionary":
        if widest.get("dictionary_name") == "user_inputs" and personal:
            return PasswordProblem.PERSONAL
        return PasswordProblem.COMMON
    if pattern in {"repeat", "sequence", "spatial", "date", "regex"}:
        return PasswordProblem.PATTERN
    return PasswordProblem.GUESSABLE
