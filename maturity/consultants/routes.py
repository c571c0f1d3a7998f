from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.consultants import bp
from maturity.core.report import OVERALL
from maturity.extensions import db
from maturity.models import ReportJobStatus
from maturity.reports import jobs
from maturity.services import consultants, results
from maturity.web import current_locale


@bp.get("/consultant")
@login_required
def workspace() -> str:
    batches = jobs.recent_for(current_user)
    clients = consultants.clients_of(current_user)
    query = (request.args.get("q") or "").strip()[:100]
    if query:
        clients = [c for c in clients if query.lower() in c.organisation.name.lower()]
    order = request.args.get("sort", "name")
    if order == "score":  # weakest first: who needs attention
        clients.sort(key=lambda c: (c.overall_index is None, c.overall_index or 0))
    elif order == "activity":  # most recent first
        clients.sort(
            key=lambda c: c.last_activity.timestamp() if c.last_activity else 0, reverse=True
        )
    else:
        order = "name"
    return render_template(
        "consultants/workspace.html",
        clients=clients,
        query=query,
        order=order,
        locale=current_locale(),
        batches=batches,
        removed={job.id for job in batches if jobs.zip_removed(job)},
        statuses=ReportJobStatus,
    )


@bp.post("/assessments/<int:assessment_id>/findings")
@login_required
def save_findings(assessment_id: int) -> Response:
    assessment = access.visible_assessment(current_user, assessment_id)
    access.require(access.can_write_findings(current_user, assessment), hide=False)
    questionnaire = results.questionnaire_for(assessment)
    keys = [OVERALL, *(d.id for d in questionnaire.dimensions)]
    texts = {key: request.form.get(f"finding-{key}", "") for key in keys}
    try:
        consultants.save_findings(assessment, texts, current_user)
    except ValueError:
        db.session.rollback()
        flash(
            _(
                "A finding may have at most %(count)d characters; nothing was saved.",
                count=consultants.MAX_FINDING_LENGTH,
            ),
            "findings:error",
        )
    else:
        flash(_("Findings saved; they will appear in the report."), "findings:success")
    # Back where the consultant was, the message beside the findings (the anchor skips
    # the top of the page, where messages usually are).
    return redirect(url_for("assessments.results", assessment_id=assessment.id, _anchor="findings"))
