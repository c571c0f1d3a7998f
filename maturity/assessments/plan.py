"""The plan of a submitted round as people act on it: the editor where a consultant
or the owner pins, removes, reorders, rewords and moves steps and writes the three
most important next steps and a summary; and the status of each step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.assessments import bp
from maturity.assessments.routes import load_assessment
from maturity.core.plan import PHASES, TOP_STEPS, StepKey
from maturity.core.plan_edits import parse_edits
from maturity.core.roadmap import PHASE_MONTHS
from maturity.services import plans
from maturity.services import results as results_service
from maturity.web import current_locale
from maturity.web.messages import refusal_message


def field(key: StepKey) -> str:
    return f"{key[0]}-{key[1]}"


def edits_from_form(keys: list[StepKey], form: Any) -> dict[str, Any]:
    """The plan editor's form, which lists ``keys`` (kept then removed steps), as the
    plan's JSON shape (core.plan.parse_edits checks it)."""
    kept: list[tuple[int, float, int, dict[str, Any]]] = []
    removed = []
    for index, key in enumerate(keys):
        name = field(key)
        entry = {"question": key[0], "level": key[1]}
        if form.get(f"remove-{name}"):
            removed.append(entry)
            continue
        raw_phase = form.get(f"phase-{name}", "")
        phase = int(raw_phase) if raw_phase.isdecimal() else raw_phase
        raw_order = form.get(f"order-{name}", "").strip()
        try:
            order = float(raw_order) if raw_order else float(index + 1)
        except ValueError:
            order = float(index + 1)
        entry |= {
            "phase": phase,
            "text": form.get(f"text-{name}", ""),
            "pinned": bool(form.get(f"pin-{name}")),
        }
        kept.append((phase if isinstance(phase, int) else 9, order, index, entry))
    kept.sort(key=lambda item: item[:3])
    return {
        "steps": [item[3] for item in kept],
        "removed": removed,
        "top": [{"question": key[0], "level": key[1]} for key in top_from_form(form) if key],
        "summary": form.get("summary", ""),
    }


def top_from_form(form: Any) -> list[StepKey | None]:
    """The step chosen for each place among the most important (None: none chosen)."""
    chosen: list[StepKey | None] = []
    for n in range(1, TOP_STEPS + 1):
        question_id, _sep, level = form.get(f"top-{n}", "").rpartition("-")
        chosen.append((question_id, int(level)) if question_id and level.isdecimal() else None)
    return chosen


@bp.route("/assessments/<int:assessment_id>/plan", methods=["GET", "POST"])
@login_required
def plan_editor(assessment_id: int) -> str | Response | tuple[str, int]:
    assessment = access.plannable(current_user, load_assessment(assessment_id))
    evaluation = results_service.evaluation_of(assessment)
    curated = plans.plan_of(assessment, evaluation)
    plan = curated.plan
    top: list[StepKey | None] = [s.key for s in plan.top] if plan.edited else []
    problems: Sequence[str] = []
    repeated: list[tuple[int, StepKey, int, StepKey]] = []  # (place, step, its earlier)
    if request.method == "POST":
        if request.form.get("action") == "reset":
            plans.save_revision(assessment, None, current_user)
            flash(_("The plan is the computed roadmap again."), "success")
            return redirect(
                url_for("assessments.results", assessment_id=assessment.id, _anchor="roadmap")
            )
        listed = [s.key for s in plan.steps] + [s.key for s in plan.removed]
        edits, problems = parse_edits(evaluation.roadmap, edits_from_form(listed, request.form))
        if edits is not None:
            try:
                plans.save_edits(assessment, evaluation.roadmap, edits, current_user)
            except plans.TopRepeated as refused:
                # Shown again as entered, nothing lost, for the editor to choose again.
                plan, top = refused.plan, top_from_form(request.form)
                place = {key: n for n, key in enumerate(top, 1) if key is not None}
                repeated = [(place[s], s, place[e], e) for s, e in refused.plan.repeated]
            else:
                flash(_("The plan is saved as a new revision."), "success")
                return redirect(
                    url_for("assessments.results", assessment_id=assessment.id, _anchor="roadmap")
                )
    return render_template(
        "assessments/plan.html",
        assessment=assessment,
        questionnaire=evaluation.questionnaire,
        evaluation=evaluation,
        plan=plan,
        edited=curated.plan.edited,
        top=[*top, *[None] * TOP_STEPS][:TOP_STEPS],
        repeated=repeated,
        revisions=plans.revisions_of(assessment),
        phases=PHASE_MONTHS,
        phase_numbers=PHASES,
        field=field,
        problems=problems,
        locale=current_locale(),
    ), (400 if problems or repeated else 200)


@bp.post("/assessments/<int:assessment_id>/plan/steps/<question_id>/<int:level>")
@login_required
def step_status(assessment_id: int, question_id: str, level: int) -> Response:
    assessment = access.plannable(current_user, load_assessment(assessment_id))
    evaluation = results_service.evaluation_of(assessment)
    try:
        plans.set_status(
            assessment,
            evaluation,
            (question_id, level),
            request.form.get("state", ""),
            request.form.get("due_on", ""),
            request.form.get("note", ""),
            current_user,
        )
    except plans.StatusRefused as refused:
        flash(refusal_message(refused), "error")
    else:
        flash(_("The step's progress is saved."), "success")
    anchor = f"step-{question_id}-{level}"
    return redirect(url_for("assessments.results", assessment_id=assessment.id, _anchor=anchor))
