"""What the commands share: failing with one line per problem, JSON output,
reading questionnaire and answer files."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from maturity.core.questionnaire import Questionnaire

# The core is imported by the commands that use it: `flask --help` lists every
# command without loading the questionnaire model and the scoring rules.

BAD_INPUT = 2


def fail(problems: list[str], code: int = BAD_INPUT) -> NoReturn:
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(code)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def questionnaire_file(reference: str) -> Questionnaire:
    """KEY[@VERSION] from the questionnaire files; exit 2 if unknown, 1 if invalid."""
    from maturity.core.questionnaire import QuestionnaireError
    from maturity.services.questionnaires import catalogue

    try:
        return catalogue().load(reference)
    except KeyError as error:
        fail([str(error.args[0])])
    except QuestionnaireError as error:
        fail([str(error)], code=1)


def read_answers_file(answers_file: Any) -> Any:
    raw = answers_file.read()
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        fail([f"{answers_file.name}: not UTF-8 text"])
    except json.JSONDecodeError as error:
        fail(
            [
                f"{answers_file.name}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
            ]
        )
