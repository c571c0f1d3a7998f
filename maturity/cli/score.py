"""``flask score``: score answers without a database."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import with_appcontext

from maturity.cli.common import echo_json, fail, questionnaire_file, read_answers_file


@click.command("score")
@with_appcontext
@click.argument("reference")
@click.argument("answers_file", metavar="ANSWERS.json", type=click.File("rb"))
def score_command(reference: str, answers_file: Any) -> None:
    """Score answers (a JSON file, or - for standard input) without a database.

    Prints scores, levels and the roadmap as JSON; exits 2 on bad input with
    one line per problem.
    """
    from maturity.core.evaluation import InvalidInput, evaluate, evaluation_json, parse_input

    questionnaire = questionnaire_file(reference)
    data = read_answers_file(answers_file)
    try:
        given = parse_input(questionnaire, data)
    except InvalidInput as error:
        fail([f"{answers_file.name}: {problem}" for problem in error.problems])
    echo_json(evaluation_json(evaluate(questionnaire, given)))
