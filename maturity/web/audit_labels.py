"""What the audit log's action codes mean, in the reader's language."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

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
