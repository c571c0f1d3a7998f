"""The question page in a real browser, on a phone (390×844) and a desktop (1366×900):
the sticky progress stays small on a phone, and every jump to a question (resuming a
round, a link of the review page, a link within the page) lands with the question
below everything that sticks to the top of the screen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from maturity.extensions import db
from tests.browser.conftest import SCREENSHOTS, LiveServer
from tests.browser.test_every_page import blocking_violations
from tests.helpers import PASSWORD, current_questionnaire, fill_round, make_organisation, make_user

pytestmark = pytest.mark.slow

QUESTIONNAIRE = current_questionnaire()  # new rounds use it (the live server publishes all)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PHONE_PROGRESS_MAX = 80  # px: one line of progress, not a third of the screen
# The dimension with the most questions: the longest page, the farthest jumps.
DIMENSION = max(
    QUESTIONNAIRE.dimensions,
    key=lambda d: sum(1 for q in QUESTIONNAIRE.questions if q.dimension_id == d.id),
)
QUESTIONS = [q.id for q in QUESTIONNAIRE.questions if q.dimension_id == DIMENSION.id]
ANSWERED = 3  # the first questions answered: resuming the round jumps to the fourth

# What sticks to the top of the screen (position sticky or fixed, shown, in view), and
# where a target lies, in viewport pixels.
GEOMETRY = """(id) => {
  const stuck = [];
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    if (style.position !== "sticky" && style.position !== "fixed") continue;
    if (style.display === "none" || style.visibility === "hidden") continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.bottom <= 0 || r.top >= innerHeight) continue;
    stuck.push({what: el.tagName + "." + el.className, top: r.top, bottom: r.bottom,
                height: r.height});
  }
  const target = id ? document.getElementById(id).getBoundingClientRect() : null;
  return {stuck: stuck, target: target && {top: target.top, bottom: target.bottom},
          viewport: innerHeight, width: document.documentElement.scrollWidth,
          innerWidth: innerWidth, scrollY: scrollY};
}"""


@dataclass(frozen=True)
class Draft:
    assessment: int
    email: str


@pytest.fixture
def draft(live: LiveServer) -> Iterator[Draft]:
    """A manager's draft round with the first questions of the longest dimension answered."""
    from maturity.models import Organisation, User
    from maturity.services import assessments

    app = live.app
    user_id = make_user(app, "question-page@example.com")
    organisation_id = make_organisation(app, user_id)
    with app.app_context():
        assessment = assessments.start_or_resume(
            db.session.get_one(Organisation, organisation_id), db.session.get_one(User, user_id)
        )
        assessment_id = assessment.id
        earlier = [q.id for q in QUESTIONNAIRE.questions if q.dimension_id != DIMENSION.id]
        fill_round(assessment_id, user_id, {q: 2 for q in earlier + QUESTIONS[:ANSWERED]})
    yield Draft(assessment_id, "question-page@example.com")


@pytest.fixture
def shots() -> Path:
    """Screenshots to look at, in a folder of their own (not emptied: other browser
    tests may be writing theirs meanwhile)."""
    folder = SCREENSHOTS / "question-page"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_in(page: Any, base: str, email: str, locale: str) -> None:
    page.goto(base + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert "/auth/login" not in page.url
    page.goto(base + f"/lang/{locale}")  # the account's language from now on
    assert page.locator("html").get_attribute("lang") == ("zh-CN" if locale == "zh" else "en")


def settled(page: Any) -> None:
    """Until the page has loaded and laid out after any scroll its scripts made."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def assert_lands_in_view(page: Any, question_id: str, how: str) -> dict[str, Any]:
    settled(page)
    geometry = page.evaluate(GEOMETRY, f"q-{question_id}")
    target, viewport = geometry["target"], geometry["viewport"]
    assert geometry["scrollY"] > 0, f"{how}: the page did not scroll to q-{question_id}"
    for element in geometry["stuck"]:
        assert target["top"] >= element["bottom"] - 0.5, (
            f"{how}: q-{question_id} (top {target['top']:.0f}px) is under "
            f"{element['what']} (bottom {element['bottom']:.0f}px)"
        )
    assert 0 <= target["top"] < viewport - 100, f"{how}: q-{question_id} at {target['top']}px"
    assert geometry["width"] <= geometry["innerWidth"], f"{how}: the page scrolls sideways"
    return geometry


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_jumps_to_a_question_land_below_the_sticky_progress(
    browser: Any,
    live: LiveServer,
    draft: Draft,
    shots: Path,
    viewport: dict[str, int],
    locale: str,
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    base = live.url
    log_in(page, base, draft.email, locale)
    dimension_url = f"{base}/assessments/{draft.assessment}/dimensions/{DIMENSION.id}"
    name = f"question-page-{'phone' if viewport is PHONE else 'desktop'}-{locale}"

    # Resuming the round opens the first unanswered question.
    page.goto(f"{base}/assessments/{draft.assessment}")
    assert page.url.endswith(f"#q-{QUESTIONS[ANSWERED]}"), page.url
    geometry = assert_lands_in_view(page, QUESTIONS[ANSWERED], "resume")
    page.screenshot(path=str(shots / f"{name}-resume.png"))
    progress = [e for e in geometry["stuck"] if "progress" in e["what"]]
    assert progress, f"the progress does not stay in view: {geometry['stuck']}"
    if viewport is PHONE:
        assert progress[0]["height"] <= PHONE_PROGRESS_MAX, progress
        # The current dimension's step is in view within the panel's row of steps.
        current = page.locator(".progress .steps li.current a")
        box, panel = current.bounding_box(), page.locator(".progress").bounding_box()
        assert box and panel
        assert (
            panel["x"] - 1 <= box["x"]
            and box["x"] + box["width"] <= panel["x"] + panel["width"] + 1
        )
        # The row of steps that scrolls within the panel keeps the page accessible.
        assert blocking_violations(page) == []

    # A link to a later question of the page: loaded afresh, and within the page.
    last = QUESTIONS[-1]
    page.goto(f"{dimension_url}#q-{last}")
    assert_lands_in_view(page, last, "load with a fragment")
    page.screenshot(path=str(shots / f"{name}-last.png"))
    middle = QUESTIONS[len(QUESTIONS) // 2]
    page.evaluate("id => { location.hash = id; }", f"#q-{middle}")
    assert_lands_in_view(page, middle, "in-page jump")
    # Every step of the progress stays reachable without scrolling the page sideways.
    links = page.locator(".progress .steps a")
    assert links.count() >= len(QUESTIONNAIRE.dimensions) + 1
    links.last.focus()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert links.last.is_visible()

    # The review page links to every question; its link lands the same way.
    page.goto(f"{base}/assessments/{draft.assessment}/submit")
    link = page.locator(f'main a[href$="#q-{QUESTIONS[-1]}"]').first
    with page.expect_navigation():
        link.click()
    assert_lands_in_view(page, QUESTIONS[-1], "from the review")
    context.close()


def test_choosing_a_carried_over_answer_again_confirms_it(
    browser: Any, live: LiveServer, shots: Path
) -> None:
    """Clicking the level a carried-over answer already shows confirms it for this round:
    the answer is saved, its "to confirm" tag goes, and the dimension's count and the
    total agree with the server's without a reload."""
    from sqlalchemy import select

    from maturity.models import Answer, Organisation, User
    from maturity.services import assessments
    from tests.web.world import _submit

    app = live.app
    user_id = make_user(app, "carried@example.com")
    organisation_id = make_organisation(app, user_id)
    with app.app_context():
        organisation = db.session.get_one(Organisation, organisation_id)
        first = assessments.start_or_resume(organisation, db.session.get_one(User, user_id)).id
    _submit(app, first, user_id, 2)
    with app.app_context():
        organisation = db.session.get_one(Organisation, organisation_id)
        user = db.session.get_one(User, user_id)
        second = assessments.start_or_resume(organisation, user, from_previous=True).id
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, live.url, "carried@example.com", "en")
    page.goto(f"{live.url}/assessments/{second}/dimensions/{DIMENSION.id}")
    question = QUESTIONS[0]
    box = page.locator(f"fieldset[data-question='{question}']")
    assert box.get_attribute("data-carried") is not None
    count = page.locator(f"[data-dimension-count='{DIMENSION.id}']")
    assert count.inner_text().startswith("0/")
    answered = int(page.locator("[data-answered]").inner_text())
    box.locator("input[type=radio]:checked").click()
    page.wait_for_function(
        f"() => !document.querySelector(\"fieldset[data-question='{question}']\")"
        ".hasAttribute('data-carried')"
    )
    assert count.inner_text().startswith("1/")
    assert int(page.locator("[data-answered]").inner_text()) == answered + 1
    assert "Saved" in box.locator("[data-status]").inner_text()
    page.screenshot(path=str(shots / "carried-over-confirmed.png"))
    with app.app_context():
        answer = db.session.scalars(
            select(Answer).where(Answer.assessment_id == second, Answer.question_id == question)
        ).one()
        assert not answer.carried_over and answer.value == 2
