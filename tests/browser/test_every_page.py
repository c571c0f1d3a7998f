"""Every page of every role, in Chinese and English, on a phone (390×844): no sideways
scrolling, no serious or critical WCAG 2.1 AA violation (axe-core, run in the page),
and the header within reach: Log out and the language switch inside the viewport as
the page loads, the main links one tap away in the menu; every in-page link's target
lands in view below anything sticky, at both sizes. Desktop (1366×900) and phone
screenshots of each are saved under artifacts/screenshots/pages/ to be looked at.

The data is the demo's (`seed demo`: the SME with three rounds, its consultant, the
centre with its synthetic peers, the administrator) plus a draft fourth round, an
invitation and a report batch, so that every page has something to show."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from maturity.extensions import db
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# GET endpoints that are not pages: files, redirects, the language switch, health.
NOT_PAGES = {
    "accounts.export_json",
    "accounts.export_xlsx",
    "accounts.export_zip",
    "assessments.evidence_file",
    "assessments.resume",
    "centres.dashboard_export",
    "centres.import_template",
    "downloads.download",
    "downloads.job_download",
    "health",
    "main.set_language",
    "organisations.licence",
    "static",
}


@dataclass(frozen=True)
class Visit:
    role: str
    path: str
    name: str


@dataclass(frozen=True)
class DemoWorld:
    base: str
    app: Flask
    visits: list[Visit]


# The header's words, by locale: the Log out button, the link to the other language.
LOG_OUT = {"zh": "退出登录", "en": "Log out"}
OTHER_LANGUAGE = {"zh": "English", "en": "中文"}
ROLES = ("public", "manager", "consultant", "reviewer", "admin")

LOGINS = {
    "manager": ("manager@demo.maturity.local", "demo-manager-2026"),
    "consultant": ("consultant@demo.maturity.local", "demo-consultant-2026"),
    "reviewer": ("reviewer@demo.maturity.local", "demo-reviewer-2026"),
    "admin": ("admin@demo.maturity.local", "demo-admin-2026"),
}


@pytest.fixture
def demo_world(live: LiveServer) -> Iterator[DemoWorld]:
    from maturity import queue
    from maturity.centres.tasks import import_organisations
    from maturity.models import Assessment, Centre, Organisation, User
    from maturity.reports import tasks as report_tasks
    from maturity.services import assessments, invitations, organisation_imports, releases
    from maturity.services.results import questionnaire_for
    from maturity.services.seeding import seed_demo

    app = live.app
    with app.app_context():
        seed_demo(Path(app.config["SEEDS_DIR"]) / "demo.yaml")
        # As ./dev serve does: the demo's closed quarters get their releases, so that the
        # dashboard and the results' benchmark are visited with their figures.
        assert releases.compute_due(date.today()) > 0
        sme = db.session.scalars(
            select(Organisation).where(Organisation.credit_code == "91330100MA2D3M0P14")
        ).one()
        manager, consultant = (
            db.session.scalars(select(User).where(User.email == LOGINS[role][0])).one()
            for role in ("manager", "consultant")
        )
        rounds = db.session.scalars(
            select(Assessment)
            .where(Assessment.organisation_id == sme.id)
            .order_by(Assessment.round)
        ).all()
        first, latest = rounds[0].id, rounds[-1].id
        draft = assessments.start_or_resume(sme, manager, from_previous=True)
        token = invitations.create_invitation(sme, manager, days=7)
        job = report_tasks.queue_batch(consultant, [latest], "zh")
        centre = db.session.scalars(select(Centre)).one()
        questionnaire = questionnaire_for(draft)
        dimension = questionnaire.dimensions[0].id
        sme_id, draft_id, job_id, centre_id = sme.id, draft.id, job.id, centre.id
        reviewer = db.session.scalars(select(User).where(User.email == LOGINS["reviewer"][0])).one()
        # An import whose report lists a problem (the table is the page's richest part).
        upload = (
            "name,credit_code,industry_division,employees,revenue,total_assets,province_code,city_code\n"
            "示例企业,,99,45,3200,,330000,330100\n"
        ).encode()
        import_id = organisation_imports.record_upload(centre, reviewer, "orgs.csv", upload)
        queue.queue(import_organisations, import_id)  # no broker: runs here and now
    org = f"/organisations/{sme_id}"
    pages = {
        "public": [
            "/", "/auth/login", "/auth/register", "/auth/forgot", "/privacy",
            "/centres/methodology", "/auth/reset/not-a-link", "/auth/confirm/not-a-link",
        ],
        "manager": [
            "/", org, f"{org}/edit", f"{org}/history", f"{org}/compare?earlier={first}&later={latest}",
            f"{org}/assessments/new", f"/assessments/{latest}/results", f"/assessments/{latest}/plan",
            f"/assessments/{draft_id}/dimensions/{dimension}", f"/assessments/{draft_id}/profile",
            f"/assessments/{draft_id}/outcomes", f"/assessments/{draft_id}/submit",
            "/organisations/new", f"/organisations/join/{token}", "/account", "/account/password",
            "/account/privacy", "/account/delete", f"{org}/delete", f"{org}/credit-code",
        ],
        "consultant": ["/", "/consultant", org, f"/assessments/{latest}/results", f"/assessments/{latest}/verify",
                       f"/reports/jobs/{job_id}"],
        "reviewer": [
            "/", "/centres/", f"/centres/{centre_id}", f"/centres/{centre_id}/dashboard",
            f"/centres/{centre_id}/imports/{import_id}",
        ],
        "admin": [
            "/", "/admin/", "/admin/audit", "/admin/centres", "/admin/credit-codes",
            "/admin/questionnaires", "/admin/releases", "/admin/users",
        ],
    }  # fmt: skip
    visits = [
        Visit(role, path, f"{role}-{index:02d}-{slug(path.replace(token, 'invitation'))}")
        for role, paths in pages.items()
        for index, path in enumerate(paths)
    ]
    yield DemoWorld(live.url, app, visits)


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def log_in(page: Any, base: str, role: str) -> None:
    if role == "public":
        return
    email, password = LOGINS[role]
    page.goto(base + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert "/auth/login" not in page.url, (role, page.locator("main").inner_text()[:300])


def blocking_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def out_of_reach(page: Any, locator: Any) -> str | None:
    """Why the one element ``locator`` finds cannot be seen without scrolling, or None."""
    if locator.count() != 1:
        return f"{locator.count()} found"
    box = locator.bounding_box()
    if box is None or not locator.is_visible():
        return "hidden"
    size = page.viewport_size
    if (
        box["x"] < 0
        or box["y"] < 0
        or box["x"] + box["width"] > size["width"]
        or box["y"] + box["height"] > size["height"]
    ):
        return f"outside the viewport ({box['x']:.0f}, {box['y']:.0f}, {box['width']:.0f}×{box['height']:.0f})"
    return None


def header_problems(page: Any, locale: str, role: str, viewport_name: str) -> list[str]:
    """On a phone: Log out and the language switch in view as the page loads; the main
    links in view after one tap on the menu, with Log out and the language switch
    still there; Escape closes the menu again. On a desktop: everything in view, no
    menu to open."""
    header = page.locator("header.site-header")
    controls = {
        "the language switch": header.get_by_role("link", name=OTHER_LANGUAGE[locale], exact=True)
    }
    if role != "public":
        controls["Log out"] = header.get_by_role("button", name=LOG_OUT[locale], exact=True)
    problems = [
        f"{name} {why}"
        for name, locator in controls.items()
        if (why := out_of_reach(page, locator))
    ]
    links = header.get_by_role("navigation").get_by_role("link")
    menu = header.locator("details.site-menu")
    if role == "public" or viewport_name != "phone":  # no menu to open
        if menu.locator("summary").is_visible():
            problems.append("the menu button shows")
        return problems + links_out_of_reach(page, links, "")
    if menu.count() != 1:
        return [*problems, "no menu of the main links"]
    if menu.evaluate("menu => menu.open"):
        return [*problems, "the menu is open as the page loads"]
    menu.locator("summary").click()
    problems.extend(links_out_of_reach(page, links, "in the open menu, "))
    problems.extend(
        f"with the menu open, {name} {why}"
        for name, locator in controls.items()
        if (why := out_of_reach(page, locator))
    )
    page.keyboard.press("Escape")
    if menu.evaluate("menu => menu.open"):
        problems.append("Escape does not close the menu")
    return problems


def links_out_of_reach(page: Any, links: Any, where: str) -> list[str]:
    if links.count() == 0:
        return [f"{where}no link"]
    return [
        f"{where}{link.inner_text()!r} {why}"
        for link in links.all()
        if (why := out_of_reach(page, link))
    ]


# Every in-page link's target, brought into view as the link would (scrollIntoView
# honours scroll-margin and scroll-padding, as following a #link does): where its top
# lands against whatever sticks to the top of the screen.
JUMPS = """() => {
  const stuckBottom = () => {
    let bottom = 0;
    for (const el of document.querySelectorAll("body *")) {
      const style = getComputedStyle(el);
      if (style.position !== "sticky" && style.position !== "fixed") continue;
      if (style.display === "none" || style.visibility === "hidden") continue;
      const r = el.getBoundingClientRect();
      if (r.width && r.height && r.top <= 0.5 && r.bottom > 0) bottom = Math.max(bottom, r.bottom);
    }
    return bottom;
  };
  const found = [];
  const seen = new Set();
  for (const link of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(link.getAttribute("href").slice(1));
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const target = document.getElementById(id);
    if (!target) { found.push(`#${id}: no such element`); continue; }
    const before = target.getBoundingClientRect();
    if (!before.width && !before.height) continue;  // inside something closed
    target.scrollIntoView({block: "start", behavior: "instant"});
    const top = target.getBoundingClientRect().top;
    const covered = stuckBottom();
    if (top < covered - 0.5) found.push(`#${id} lands under a sticky element (${top.toFixed(0)} < ${covered.toFixed(0)} px)`);
    if (top >= innerHeight) found.push(`#${id} lands below the screen (${top.toFixed(0)} px)`);
  }
  window.scrollTo({top: 0, behavior: "instant"});
  return found;
}"""


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_fits_a_phone_and_passes_axe(
    browser: Any, demo_world: DemoWorld, screenshot_dir: Path, role: str
) -> None:
    pages_dir = screenshot_dir / "pages"
    pages_dir.mkdir(exist_ok=True)
    problems: list[str] = []
    for locale in ("zh", "en"):
        for viewport_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            log_in(page, demo_world.base, role)
            page.goto(f"{demo_world.base}/lang/{locale}")  # a user's own choice too
            for visit in (v for v in demo_world.visits if v.role == role):
                response = page.goto(demo_world.base + visit.path)
                assert response is not None
                where = f"{locale} {viewport_name} {role} {visit.path}"
                if response.status >= 500:
                    problems.append(f"{where}: HTTP {response.status}")
                if role != "public" and "/auth/login" in page.url:
                    problems.append(f"{where}: sent to the login page")
                if not page.evaluate("document.documentElement.lang").startswith(locale):
                    problems.append(f"{where}: not in {locale}")
                page.screenshot(
                    path=str(pages_dir / f"{visit.name}-{locale}-{viewport_name}.png"),
                    full_page=True,
                )
                if viewport_name == "phone":
                    width, inner = page.evaluate(
                        "[document.documentElement.scrollWidth, window.innerWidth]"
                    )
                    if width > inner:
                        problems.append(f"{where}: scrolls sideways ({width} > {inner} px)")
                    problems.extend(f"{where}: {v}" for v in blocking_violations(page))
                problems.extend(
                    f"{where}: {p}" for p in header_problems(page, locale, role, viewport_name)
                )
                problems.extend(f"{where}: {p}" for p in page.evaluate(JUMPS))
            context.close()
    assert not problems, "\n".join(problems)


def test_the_pages_visited_are_every_page_the_application_has(demo_world: DemoWorld) -> None:
    app = demo_world.app
    visited = set()
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for visit in demo_world.visits:
            endpoint, _arguments = adapter.match(visit.path.split("?")[0], method="GET")
            visited.add(endpoint)
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.endpoint.startswith("api.")
    } - NOT_PAGES
    assert pages - visited == set()
    assert {visit.role for visit in demo_world.visits} == set(ROLES)


def test_the_new_round_page_fits_a_phone_and_passes_axe(
    browser: Any, demo_world: DemoWorld, screenshot_dir: Path
) -> None:
    """The confirmation before a new round shows only while no round is open: the
    demo's draft is removed first (the walk above sees the draft instead)."""
    from maturity.models import Assessment, AssessmentStatus

    with demo_world.app.app_context():
        draft = db.session.scalars(
            select(Assessment).where(Assessment.status == AssessmentStatus.DRAFT)
        ).one()
        organisation_id = draft.organisation_id
        db.session.delete(draft)
        db.session.commit()
    (screenshot_dir / "pages").mkdir(exist_ok=True)
    problems = []
    for locale in ("zh", "en"):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        log_in(page, demo_world.base, "manager")
        page.goto(f"{demo_world.base}/lang/{locale}")
        page.goto(f"{demo_world.base}/organisations/{organisation_id}/assessments/new")
        assert page.locator("button[name=start][value=previous]").count() == 1
        page.screenshot(
            path=str(screenshot_dir / "pages" / f"manager-new-round-{locale}-phone.png"),
            full_page=True,
        )
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > inner:
            problems.append(f"{locale}: scrolls sideways ({width} > {inner} px)")
        problems.extend(f"{locale}: {v}" for v in blocking_violations(page))
        context.close()
    assert not problems, "\n".join(problems)
