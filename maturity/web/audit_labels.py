"""What the audit log's entries mean, in the reader's language: the action in words,
and to whom or what it was done, with the details (who was given which role where,
which format and filters an export used). Entries store ids; names are looked up
when the log is read, and an account that is gone is "a former member"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from maturity.models import AuditEvent
from maturity.reports.words import filters_line, release_period
from maturity.services.audit import AuditNames, details_of, object_number

ACTION_LABELS: dict[str, LazyString] = {
    "view_assessment": _l("viewed an assessment"),
    "view_organisation": _l("viewed an organisation"),
    "view_report": _l("downloaded a report"),
    "download_batch": _l("downloaded a batch of reports"),
    "export_dashboard": _l("exported a centre dashboard"),
    "export_organisation_data": _l("downloaded all of an organisation's data"),
    "delete_organisation": _l("deleted an organisation"),
    "create_invitation": _l("created an invitation"),
    "accept_invitation": _l("accepted an invitation"),
    "remove_consultant": _l("removed a consultant"),
    "assign_consultant": _l("assigned a consultant"),
    "register_with_centre": _l("registered with a centre"),
    "accept_registration_request": _l("accepted a centre's request"),
    "decline_registration_request": _l("declined a centre's request"),
    "grant_consent": _l("granted consent to a centre"),
    "revoke_consent": _l("revoked consent"),
    "import_organisations": _l("imported organisations"),
    "write_findings": _l("wrote findings"),
    "edit_plan": _l("adjusted a plan"),
    "step_status": _l("updated the progress of a plan step"),
    "save_provider": _l("saved a service provider"),
    "save_branding": _l("changed the report branding of a centre"),
    "delete_provider": _l("deleted a service provider"),
    "create_centre": _l("created a centre"),
    "add_reviewer": _l("added a reviewer"),
    "add_centre_staff": _l("gave a person a role at a centre"),
    "remove_centre_staff": _l("took a person's role at a centre away"),
    "upload_business_licence": _l("uploaded a business licence"),
    "view_business_licence": _l("downloaded a business licence"),
    "verify_credit_code": _l("verified a credit code"),
    "request_release": _l("asked for a new revision of a release"),
    "reject_business_licence": _l("returned a business licence"),
    "upload_evidence": _l("uploaded an evidence file"),
    "download_evidence": _l("downloaded an evidence file"),
    "remove_evidence": _l("removed an evidence file"),
    "review_answer": _l("recorded a verification finding"),
    "complete_verification": _l("completed a verification"),
    "reopen_verification": _l("reopened a verification"),
    "publish_questionnaires": _l("published questionnaires"),
    "sign_up": _l("signed up"),
    "confirm_email": _l("confirmed an e-mail address"),
    "request_password_reset": _l("asked for a new password"),
    "reset_password": _l("set a new password by e-mail link"),
    "change_password": _l("changed the password"),
    "log_out_everywhere": _l("logged out everywhere"),
    "accept_privacy_notice": _l("accepted the privacy notice"),
    "create_api_token": _l("created an API token"),
    "revoke_api_token": _l("revoked an API token"),
    "leave_organisation": _l("left an organisation"),
    "delete_account": _l("deleted the account"),
    "user_activate": _l("activated a user"),
    "user_deactivate": _l("deactivated a user"),
    "user_make_admin": _l("made a user administrator"),
    "user_revoke_admin": _l("removed a user's administrator role"),
    "user_make_consultant": _l("gave a user the consultant role"),
    "user_revoke_consultant": _l("removed a user's consultant role"),
}


def action_label(code: str) -> str:
    """The action in words; an action without a label yet shows its code."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def _person(names: AuditNames, person_id: Any) -> str:
    found = names.people.get(person_id) if isinstance(person_id, int) else None
    return found.name if found is not None else _("a former member")


def _centre(names: AuditNames, centre_id: Any) -> str:
    found = names.centres.get(centre_id) if isinstance(centre_id, int) else None
    return found.name if found is not None else _("a centre that no longer exists")


# Who was given (or lost) which role, as a sentence: actor and target by name.
_USER_CHANGES: dict[str, Callable[[], str]] = {
    "user_make_admin": lambda: _("%(actor)s made %(target)s an administrator."),
    "user_revoke_admin": lambda: _("%(actor)s took the administrator role from %(target)s."),
    "user_make_consultant": lambda: _("%(actor)s gave %(target)s the consultant role."),
    "user_revoke_consultant": lambda: _("%(actor)s took the consultant role from %(target)s."),
    "user_activate": lambda: _("%(actor)s activated the account of %(target)s."),
    "user_deactivate": lambda: _("%(actor)s deactivated the account of %(target)s."),
}
_STAFF_ADDED: dict[str, Callable[[], str]] = {
    "consultant": lambda: _("%(actor)s made %(target)s a consultant of the centre %(centre)s."),
    "verifier": lambda: _("%(actor)s made %(target)s a verifier of the centre %(centre)s."),
    "reviewer": lambda: _("%(actor)s made %(target)s a reviewer of the centre %(centre)s."),
}
_STAFF_REMOVED: dict[str, Callable[[], str]] = {
    "consultant": lambda: _(
        "%(actor)s took the consultant role at the centre %(centre)s from %(target)s."
    ),
    "verifier": lambda: _(
        "%(actor)s took the verifier role at the centre %(centre)s from %(target)s."
    ),
    "reviewer": lambda: _(
        "%(actor)s took the reviewer role at the centre %(centre)s from %(target)s."
    ),
}
_INVITATION_ROLES: dict[str, Callable[[], str]] = {
    "owner": lambda: _("Role: owner"),
    "member": lambda: _("Role: member"),
    "consultant": lambda: _("Role: consultant"),
}


def _export(event: AuditEvent, values: dict[str, Any], names: AuditNames, locale: str) -> str:
    """An export's format, and for a dashboard its release and filters."""
    file_format = str(values.get("format") or "")
    batch = _batch_size(values.get("assessments"))
    if not file_format and event.action == "download_batch":
        # One report is handed out as its PDF, more as a ZIP of them.
        file_format = "pdf" if batch == 1 else "zip"
    if not file_format and event.action == "view_report":
        file_format = "pdf"
    parts = [_("Format: %(format)s", format=file_format.upper() or "—")]
    if event.action == "download_batch" and batch:
        parts.append(ngettext("%(num)d report", "%(num)d reports", batch))
    if event.action == "export_dashboard":
        release = names.releases.get(values["release"]) if values.get("release") else None
        if release is not None:
            parts.append(
                _(
                    "Release: %(period)s, revision %(revision)d",
                    period=release_period(release),
                    revision=release.revision,
                )
            )
        else:
            parts.append(_("Release: none yet"))
        filters = values.get("filters")
        chosen = filters if isinstance(filters, dict) else {}
        parts.append(filters_line({str(k): str(v) for k, v in chosen.items()}, locale))
    return " · ".join(parts)


def _batch_size(assessments: Any) -> int:
    """How many reports a batch held (stored as "12,13" or as a list of ids)."""
    if isinstance(assessments, str):
        return len([part for part in assessments.split(",") if part.strip()])
    return len(assessments) if isinstance(assessments, list) else 0


EXPORTS = frozenset(
    {"export_dashboard", "export_organisation_data", "download_batch", "view_report"}
)


def describe(event: AuditEvent, names: AuditNames, locale: str) -> str:
    """To whom or what the entry was done, and its details, in words ("" if nothing
    more than the action and the organisation is known)."""
    values = details_of(event.detail)
    actor = _person(names, event.actor_id)
    if event.action in _USER_CHANGES:
        target = values.get("user_id", object_number(event))
        return _USER_CHANGES[event.action]() % {"actor": actor, "target": _person(names, target)}
    staff = {"add_centre_staff": _STAFF_ADDED, "remove_centre_staff": _STAFF_REMOVED}
    if event.action in staff:
        sentences = staff[event.action]
        sentence = sentences.get(str(values.get("role")), sentences["reviewer"])
        return sentence() % {
            "actor": actor,
            "target": _person(names, values.get("user_id")),
            "centre": _centre(names, object_number(event)),
        }
    if event.action in ("assign_consultant", "remove_consultant"):
        found = names.organisations.get(event.organisation_id or 0)
        words = {
            "actor": actor,
            "target": _person(names, values.get("consultant_id")),
            "organisation": found.name if found is not None else _("a deleted organisation"),
        }
        if event.action == "assign_consultant":
            return _("%(actor)s made %(target)s the consultant of %(organisation)s.", **words)
        return _("%(actor)s removed %(target)s as consultant of %(organisation)s.", **words)
    if event.action in EXPORTS:
        return _export(event, values, names, locale)
    return _generic(event, values, names)


def _generic(event: AuditEvent, values: dict[str, Any], names: AuditNames) -> str:
    """The object and the details every other entry keeps."""
    parts: list[str] = []
    object_id = object_number(event)
    if event.object_type == "centre" and object_id is not None:
        parts.append(_("Centre: %(name)s", name=_centre(names, object_id)))
    elif event.object_type == "user" and object_id not in (None, event.actor_id):
        parts.append(_("Account: %(name)s", name=_person(names, object_id)))
    elif event.object_type == "assessment" and object_id is not None:
        parts.append(_("Assessment no. %(id)d", id=object_id))
    elif event.object_type == "api_token" and values.get("user") not in (None, event.actor_id):
        parts.append(_("Account: %(name)s", name=_person(names, values["user"])))
    if isinstance(values.get("centre"), int):
        parts.append(_("Centre: %(name)s", name=_centre(names, values["centre"])))
    # A centre's creation names it already, as its target (unless it is gone since).
    redundant = event.action == "create_centre" and object_id in names.centres
    if values.get("name") and not redundant:
        parts.append(str(values["name"]))
    if (role := _INVITATION_ROLES.get(str(values.get("role")))) is not None:
        parts.append(role())
    if values.get("period"):
        parts.append(
            _(
                "%(period)s, revision %(revision)s",
                period=values["period"],
                revision=values.get("revision", "—"),
            )
        )
    if values.get("reason"):
        parts.append(_("Reason: %(reason)s", reason=values["reason"]))
    if values.get("question"):
        parts.append(_("Question: %(question)s", question=values["question"]))
    if event.object_type == "questionnaire" and event.object_id:
        parts.append(event.object_id)
    return " · ".join(parts)
