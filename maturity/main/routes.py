from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from maturity.extensions import db
from maturity.main import bp
from maturity.services.home import Home, home_of
from maturity.services.questionnaires import current_questionnaire
from maturity.services.results import questionnaire_for
from maturity.web import current_locale, safe_next
from maturity.web.privacy import NOTICE_VERSION, notice_template


@bp.get("/")
def index() -> str:
    if not current_user.is_authenticated:
        questionnaire = current_questionnaire()
        questions = len(questionnaire.questions) if questionnaire else 0
        return render_template(
            "main/index.html", questions=questions, minutes=minutes_to_answer(questions)
        )
    home = home_of(current_user)
    return render_template(
        "main/home.html", home=home, level_names=level_names_of(home, current_locale())
    )


# Reading a level ladder and choosing takes about forty seconds a question; the landing
# page says it in round figures (44 questions: about 30 minutes).
SECONDS_A_QUESTION = 40


def minutes_to_answer(questions: int) -> int:
    return max(5, round(questions * SECONDS_A_QUESTION / 60 / 5) * 5)


def level_names_of(home: Home, locale: str) -> dict[int, str]:
    """The name of each latest submitted round's overall level ("规范级", "Managed"), by
    assessment id, from the questionnaire version the round was answered on."""
    names: dict[int, str] = {}
    for status in home.organisations:
        latest = status.latest_submitted
        if latest is None or latest.result is None or latest.result.overall_level is None:
            continue
        levels = {level.value: level for level in questionnaire_for(latest).levels}
        level = levels.get(latest.result.overall_level)
        if level is not None:
            names[latest.id] = level.label.get(locale)
    return names


@bp.get("/privacy")
def privacy() -> str:
    return render_template(
        notice_template(current_locale()), version=NOTICE_VERSION, title=_("Privacy notice")
    )


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_next(request.args.get("next")))
