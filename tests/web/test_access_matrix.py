"""Every route × every role × own and foreign objects: nothing leaks.

A role that is not allowed gets 403 or 404 (anonymous visitors are sent to the
login page), and no response ever contains the name of an organisation the
role may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from tests.web.world import ROLES, SECRET_A, SECRET_B, World

STAFF = {"owner", "member"}
ASSESSORS = STAFF | {"consultant"}
READERS = ASSESSORS | {"reviewer", "admin"}
CENTRE = {"reviewer", "admin"}
LOGGED_IN = set(ROLES) - {"anonymous"}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: str
    allowed: frozenset[str]
    data: Any = None
    json: Any = None


def cases(w: World) -> list[Case]:
    a, b = w.ids["org_a"], w.ids["org_b"]
    a1, a2, b1 = w.ids["a1"], w.ids["a2"], w.ids["b1"]
    c, m, job = w.ids["centre"], w.ids["consultant_membership"], w.ids["job"]
    first = "pd_cad_modelling"

    def case(endpoint: str, method: str, url: str, allowed: set[str], **kw: Any) -> Case:
        return Case(endpoint, method, url, frozenset(allowed), **kw)

    return [
        case("organisations.show", "GET", f"/organisations/{a}", READERS),
        case("organisations.edit", "GET", f"/organisations/{a}/edit", STAFF),
        case("organisations.edit", "POST", f"/organisations/{a}/edit", STAFF, data={"name": ""}),
        case("organisations.invite", "POST", f"/organisations/{a}/invitations", STAFF),
        case(
            "organisations.remove_consultant",
            "POST",
            f"/organisations/{a}/consultants/{m + 999}/remove",
            STAFF,
        ),
        case("organisations.register_with_centre", "POST", f"/organisations/{a}/centres", STAFF),
        case(
            "organisations.consent",
            "POST",
            f"/organisations/{a}/centres/{c}/consent",
            STAFF,
            data={"action": "grant"},
        ),
        case(
            "organisations.answer_request",
            "POST",
            f"/organisations/{a}/centres/{w.ids['requesting_centre']}/request",
            STAFF,
            data={"action": "later"},
        ),
        case("organisations.credit_code", "GET", f"/organisations/{a}/credit-code", STAFF | CENTRE),
        case(
            "organisations.upload_licence",
            "POST",
            f"/organisations/{a}/credit-code/licence",
            STAFF,
        ),
        case(
            "organisations.licence",
            "GET",
            f"/organisations/{a}/credit-code/licence",
            STAFF | CENTRE,
        ),
        case(
            "organisations.verify_credit_code",
            "POST",
            f"/organisations/{a}/credit-code/verification",
            CENTRE,
            data={"action": "verify"},
        ),
        case("assessments.start", "POST", f"/organisations/{a}/assessments", ASSESSORS),
        case("assessments.new_round", "GET", f"/organisations/{a}/assessments/new", ASSESSORS),
        case("assessments.resume", "GET", f"/assessments/{a1}", READERS),
        case("assessments.resume", "GET", f"/assessments/{a2}", ASSESSORS | {"admin"}),
        case(
            "assessments.dimension_page",
            "GET",
            f"/assessments/{a1}/dimensions/product_design",
            READERS,
        ),
        case(
            "assessments.dimension_page",
            "GET",
            f"/assessments/{a2}/dimensions/product_design",
            ASSESSORS | {"admin"},
        ),
        case(
            "assessments.dimension_page",
            "POST",
            f"/assessments/{a2}/dimensions/product_design",
            ASSESSORS,
        ),
        case(
            "assessments.save_answer_json",
            "POST",
            f"/assessments/{a2}/answers",
            ASSESSORS,
            json={"question_id": first, "value": 1, "revision": 0},
        ),
        case("assessments.items_page", "GET", f"/assessments/{a1}/profile", READERS),
        case("assessments.items_page", "GET", f"/assessments/{a2}/outcomes", ASSESSORS | {"admin"}),
        case(
            "assessments.items_page",
            "POST",
            f"/assessments/{a2}/profile",
            ASSESSORS,
            data={"item-production": "discrete"},
        ),
        case(
            "assessments.items_page",
            "POST",
            f"/assessments/{b1}/outcomes",
            set(),
            data={"item-on_time_delivery": "90"},
        ),
        case("assessments.review", "GET", f"/assessments/{a2}/submit", ASSESSORS | {"admin"}),
        case("assessments.review", "POST", f"/assessments/{a2}/submit", ASSESSORS),
        case("assessments.results", "GET", f"/assessments/{a1}/results", READERS),
        case(
            "assessments.results",
            "POST",
            f"/assessments/{a1}/results",
            ASSESSORS,
            data={"target-product_design": "3"},
        ),
        case("assessments.plan_editor", "GET", f"/assessments/{a1}/plan", ASSESSORS),
        case(
            "assessments.plan_editor",
            "POST",
            f"/assessments/{a1}/plan",
            ASSESSORS,
            data={"action": "reset"},
        ),
        case("assessments.plan_editor", "GET", f"/assessments/{b1}/plan", {"other_owner"}),
        case("assessments.plan_editor", "GET", f"/assessments/{a2}/plan", set()),  # a draft
        case(
            "assessments.step_status",
            "POST",
            f"/assessments/{a1}/plan/steps/{first}/3",
            ASSESSORS,
            data={"state": "done"},
        ),
        case(
            "assessments.step_status",
            "POST",
            f"/assessments/{b1}/plan/steps/{first}/3",
            {"other_owner"},
            data={"state": "done"},
        ),
        case(
            "consultants.save_findings",
            "POST",
            f"/assessments/{a1}/findings",
            {"consultant"},
            data={"finding-product_design": "注意"},
        ),
        case("assessments.history", "GET", f"/organisations/{a}/history", READERS),
        case("downloads.download", "GET", f"/assessments/{a1}/report.pdf?lang=en", READERS),
        case(
            "downloads.download", "GET", f"/assessments/{b1}/report.pdf", {"other_owner", "admin"}
        ),
        case(
            "downloads.download", "GET", f"/assessments/{a2}/report.pdf", set()
        ),  # a draft has no report
        case(
            "downloads.batch",
            "POST",
            "/reports/batch",
            READERS,
            data={"assessment_id": str(a1), "lang": "zh"},
        ),
        case(
            "downloads.batch",
            "POST",
            "/reports/batch",
            {"other_owner", "admin"},
            data={"assessment_id": str(b1)},
        ),
        case("downloads.job", "GET", f"/reports/jobs/{job}", {"owner"}),
        case("downloads.job_download", "GET", f"/reports/jobs/{job}/download", {"owner"}),
        case(
            "assessments.compare",
            "GET",
            f"/organisations/{a}/compare?earlier={a1}&later={a1}",
            READERS,
        ),
        # Foreign objects: organisation B is nobody's here but its owner's, and gave no consent.
        case("organisations.show", "GET", f"/organisations/{b}", {"other_owner", "admin"}),
        case("assessments.results", "GET", f"/assessments/{b1}/results", {"other_owner", "admin"}),
        case(
            "assessments.save_answer_json",
            "POST",
            f"/assessments/{b1}/answers",
            set(),
            json={"question_id": first, "value": 1, "revision": 1},
        ),
        case("consultants.workspace", "GET", "/consultant", LOGGED_IN),
        case("centres.index", "GET", "/centres/", CENTRE),
        case("centres.show", "GET", f"/centres/{c}", CENTRE),
        case("centres.import_file", "POST", f"/centres/{c}/import", CENTRE),
        case("centres.import_template", "GET", f"/centres/{c}/import-template.csv", CENTRE),
        # An import's outcome is its uploader's alone.
        case(
            "centres.import_status", "GET", f"/centres/{c}/imports/{w.ids['import']}", {"reviewer"}
        ),
        case("centres.dashboard", "GET", f"/centres/{c}/dashboard", CENTRE),
        case("centres.dashboard_export", "GET", f"/centres/{c}/dashboard.csv", CENTRE),
        case(
            "centres.assign_consultant",
            "POST",
            f"/centres/{c}/consultants",
            CENTRE,
            data={"organisation_id": str(a), "consultant_id": "999999"},
        ),
        case(
            "centres.assign_consultant",
            "POST",
            f"/centres/{c}/consultants",
            set(),
            data={"organisation_id": str(b), "consultant_id": str(w.ids["user_consultant"])},
        ),
        case(
            "centres.save_provider",
            "POST",
            f"/centres/{c}/providers",
            CENTRE,
            data={"name": "", "services": ["cloud_it"]},
        ),
        case(
            "centres.save_provider",
            "POST",
            f"/centres/{c}/providers/999999",
            set(),
            data={"action": "delete"},
        ),
        case(
            "centres.save_provider",
            "POST",
            f"/centres/{w.ids['requesting_centre']}/providers",
            {"admin"},
            data={"name": ""},
        ),
        case(
            "centres.save_branding",
            "POST",
            f"/centres/{c}/branding",
            CENTRE,
            data={"contact": "x" * 400},  # refused: nothing stored, whoever may try
        ),
        case("admin.index", "GET", "/admin/", {"admin"}),
        case("admin.centres_page", "GET", "/admin/centres", {"admin"}),
        case("admin.centres_page", "POST", "/admin/centres", {"admin"}, data={"name": ""}),
        case(
            "admin.add_staff",
            "POST",
            f"/admin/centres/{c}/staff",
            {"admin"},
            data={"email": "nobody@example.com", "role": "consultant"},
        ),
        case(
            "admin.remove_staff",
            "POST",
            f"/admin/centres/{c}/staff/{w.ids['user_stranger']}/remove",
            {"admin"},
            data={"role": "consultant"},
        ),
        case("admin.credit_codes_page", "GET", "/admin/credit-codes", {"admin"}),
        case("admin.releases_page", "GET", "/admin/releases", {"admin"}),
        case("admin.users", "GET", "/admin/users", {"admin"}),
        case(
            "admin.update_user",
            "POST",
            f"/admin/users/{w.ids['user_stranger']}",
            {"admin"},
            data={"action": "nothing"},
        ),
        case("admin.questionnaires", "GET", "/admin/questionnaires", {"admin"}),
        case("admin.publish", "POST", "/admin/questionnaires/publish", {"admin"}),
        case("admin.audit_log", "GET", "/admin/audit", {"admin"}),
        case("accounts.export_json", "GET", f"/organisations/{a}/data.json", {"owner"}),
        case("accounts.export_xlsx", "GET", f"/organisations/{a}/data.xlsx", {"owner"}),
        case("accounts.export_zip", "GET", f"/organisations/{a}/data.zip", {"owner"}),
        # Evidence and verification: those who answer add files; those who may see the
        # answer download them; the consultant verifies (the centre's reviewer is no
        # verifier unless an administrator names them one: tests/web/test_evidence.py).
        case(
            "assessments.upload_evidence", "POST", f"/assessments/{a2}/evidence/{first}", ASSESSORS
        ),
        case(
            "assessments.upload_evidence",
            "POST",
            f"/assessments/{b1}/evidence/{first}",
            {"other_owner"},
        ),
        case("assessments.evidence_file", "GET", f"/evidence/{w.ids['evidence']}", READERS),
        case("assessments.remove_evidence", "POST", "/evidence/999999/remove", set()),
        case("assessments.verify", "GET", f"/assessments/{a1}/verify", {"consultant"}),
        case("assessments.verify", "POST", f"/assessments/{a1}/verify", {"consultant"}, data={}),
        case("assessments.verify", "GET", f"/assessments/{b1}/verify", set()),
        case(
            "assessments.complete_verification",
            "POST",
            f"/assessments/{a1}/verify/complete",
            {"consultant"},
        ),
        case(
            "assessments.reopen_verification",
            "POST",
            f"/assessments/{a1}/verify/reopen",
            {"consultant"},
        ),
        case("accounts.delete_organisation", "GET", f"/organisations/{a}/delete", {"owner"}),
        case(
            "accounts.delete_organisation",
            "POST",
            f"/organisations/{a}/delete",
            {"owner"},
            data={"name": "", "password": ""},
        ),
        # One's own account: every logged-in user has one, and it shows no organisation
        # but the user's own.
        case("accounts.index", "GET", "/account", LOGGED_IN),
        case("accounts.index", "POST", "/account", LOGGED_IN, data={"name": ""}),
        case("accounts.change_password", "GET", "/account/password", LOGGED_IN),
        case("accounts.create_token", "POST", "/account/tokens", LOGGED_IN, data={"name": ""}),
        case("accounts.revoke_token", "POST", "/account/tokens/999999/revoke", LOGGED_IN),
        case("accounts.accept_privacy", "GET", "/account/privacy", LOGGED_IN),
        case("accounts.delete_account", "GET", "/account/delete", LOGGED_IN),
    ]


# Endpoints that hold no organisation's data or are reachable by anyone on purpose.
PUBLIC = {
    "static", "main.index", "main.set_language", "main.privacy", "auth.login", "auth.register",
    "auth.logout", "auth.confirm", "auth.forgot", "auth.reset",
    "organisations.new", "organisations.join", "health", "centres.methodology",
    # Acting on one's own sessions only (tests/web/test_accounts.py); it would log the
    # matrix's clients out.
    "accounts.log_out_everywhere",
}  # fmt: skip


def visible_secrets(role: str, case: Case) -> set[str]:
    """Which organisation names this role may legitimately see on this route."""
    if role not in case.allowed:
        return set()
    names = set()
    if role in READERS or role == "admin":
        names.add(SECRET_A)
    if role in {"other_owner", "admin"}:
        names.add(SECRET_B)
    return names


def check(world: World, case: Case, role: str) -> str | None:
    client = world.client(role)
    response = client.open(case.url, method=case.method, data=case.data, json=case.json)
    body = response.get_data().decode("utf-8", "replace")
    allowed = role in case.allowed
    if allowed:
        if response.status_code in (403, 404) or "/auth/login" in response.headers.get(
            "Location", ""
        ):
            return f"{role} {case.method} {case.url}: expected access, got {response.status_code}"
    else:
        if role == "anonymous":
            if not (response.status_code == 302 and "/auth/login" in response.headers["Location"]):
                return f"anonymous {case.method} {case.url}: expected login redirect, got {response.status_code}"
        elif response.status_code not in (403, 404):
            return f"{role} {case.method} {case.url}: expected 403/404, got {response.status_code}"
    for secret in (SECRET_A, SECRET_B):
        if secret in body and secret not in visible_secrets(role, case):
            return f"{role} {case.method} {case.url}: response shows {secret}"
    return None


def test_every_route_and_role(world: World) -> None:
    failures = [
        failure
        for case in cases(world)
        for role in ROLES
        if (failure := check(world, case, role)) is not None
    ]
    assert failures == []


def test_every_route_is_in_the_matrix(app: Flask, world: World) -> None:
    covered = {case.endpoint for case in cases(world)}
    # The JSON API has its own matrix by token in tests/api/test_api.py.
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if not rule.endpoint.startswith("api.")
    }
    assert endpoints - covered - PUBLIC == set()


def test_revoking_consent_closes_the_centre_s_view_at_once(world: World) -> None:
    a, a1, c = world.ids["org_a"], world.ids["a1"], world.ids["centre"]
    reviewer = world.client("reviewer")
    assert reviewer.get(f"/assessments/{a1}/results").status_code == 200
    assert SECRET_A in reviewer.get(f"/centres/{c}").get_data(as_text=True)
    response = world.client("owner").post(
        f"/organisations/{a}/centres/{c}/consent", data={"action": "revoke"}
    )
    assert response.status_code == 302
    for url in (f"/assessments/{a1}/results", f"/organisations/{a}", f"/organisations/{a}/history",
                f"/assessments/{a1}/dimensions/product_design"):  # fmt: skip
        denied = reviewer.get(url)
        assert denied.status_code == 404, url
        assert SECRET_A not in denied.get_data(as_text=True)
    assert SECRET_A not in reviewer.get(f"/centres/{c}").get_data(as_text=True)
    # A centre can no longer assign a consultant either.
    assign = reviewer.post(
        f"/centres/{c}/consultants",
        data={"organisation_id": str(a), "consultant_id": str(world.ids["user_stranger"])},
    )
    assert assign.status_code == 404
    # Granting again reopens it.
    world.client("owner").post(f"/organisations/{a}/centres/{c}/consent", data={"action": "grant"})
    assert reviewer.get(f"/assessments/{a1}/results").status_code == 200


def test_removed_consultant_loses_access(world: World) -> None:
    a, a1, m = world.ids["org_a"], world.ids["a1"], world.ids["consultant_membership"]
    consultant = world.client("consultant")
    assert consultant.get(f"/assessments/{a1}/results").status_code == 200
    world.client("owner").post(f"/organisations/{a}/consultants/{m}/remove")
    assert consultant.get(f"/assessments/{a1}/results").status_code == 404
    assert SECRET_A not in consultant.get("/consultant").get_data(as_text=True)
