"""The demo's results page and round comparison laid out in Chromium, in Chinese and
English, at desktop (1366×900) and phone (390×844) width: the answers of "About your
firm" inside their card; on the comparison the big figures with their change on one
line, the level labels and short headers of the questions' table unbroken, no cell
clipped and the page not scrolling sideways (the table scrolls inside its own box)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import test_every_page as every

pytestmark = pytest.mark.slow

demo_world = every.demo_world  # the demo's data, as the sweep of every page has it

# Whatever inside the card sticks out of it, or overflows its own box.
FIRM_OVERFLOW = """() => {
  const card = document.querySelector('#firm');
  if (!card) return ['no #firm card'];
  const box = card.getBoundingClientRect();
  const found = [];
  for (const el of card.querySelectorAll('dl, dt, dd')) {
    const r = el.getBoundingClientRect();
    if (r.right > box.right + 0.5 || r.left < box.left - 0.5)
      found.push(`${el.tagName} ${el.textContent.trim().slice(0, 30)}: ${r.left}–${r.right} outside ${box.left}–${box.right}`);
    if (el.scrollWidth > el.clientWidth + 1)
      found.push(`${el.tagName} ${el.textContent.trim().slice(0, 30)}: content ${el.scrollWidth} > ${el.clientWidth}`);
  }
  // An answer is never squeezed into a column narrower than half the card.
  for (const dd of card.querySelectorAll('dd'))
    if (dd.getBoundingClientRect().width < box.width / 2)
      found.push(`dd ${dd.textContent.trim().slice(0, 30)}: ${dd.getBoundingClientRect().width} px wide`);
  return found;
}"""

# The lines a node's text takes: the distinct tops of its line boxes.
LINES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
}"""

COMPARE_PROBLEMS = (
    """() => {
  const lines = """
    + LINES
    + """;
  const found = [];
  const table = document.querySelector('table.compare-questions');
  if (!table) return ['no table of questions'];
  const wrapper = table.parentElement;
  const card = wrapper.closest('.card').getBoundingClientRect();
  const w = wrapper.getBoundingClientRect();
  if (w.right > card.right + 0.5) found.push(`the table's box ends at ${w.right}, the card at ${card.right}`);
  for (const cell of table.querySelectorAll('th, td')) {
    if (cell.clientWidth <= 1) continue;  // visually hidden: the phone's "Question" header
    if (cell.scrollWidth > cell.clientWidth + 1)
      found.push(`cell "${cell.textContent.trim()}" clipped: ${cell.scrollWidth} > ${cell.clientWidth}`);
    if (cell.classList.contains('nowrap') && lines(cell) > 1)
      found.push(`cell "${cell.textContent.trim()}" on ${lines(cell)} lines`);
  }
  const big = document.querySelector('.headline-change .big-number');
  const spans = big.querySelectorAll('span');
  const change = big.querySelector('small').getBoundingClientRect();
  const after = spans[spans.length - 1].getBoundingClientRect();
  if (change.top > after.bottom || change.left < after.right)
    found.push(`the change sits apart from the figures: ${change.left},${change.top} vs ${after.right},${after.bottom}`);
  return found;
}"""
)


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_results_and_the_comparison_fit_their_cards(
    browser: Any, demo_world: every.DemoWorld, locale: str
) -> None:
    first_to_last = next(v.path for v in demo_world.visits if "/compare?" in v.path)
    # Without a choice: the last two rounds, which compare on most questions.
    comparisons = (first_to_last, first_to_last.split("?")[0])
    results = next(
        v.path for v in demo_world.visits if v.role == "manager" and v.path.endswith("/results")
    )
    problems: list[str] = []
    for name, viewport in (("phone", every.PHONE), ("desktop", every.DESKTOP)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        every.log_in(page, demo_world.base, "manager")
        page.goto(f"{demo_world.base}/lang/{locale}")
        page.goto(demo_world.base + results)
        problems.extend(f"{locale} {name} results: {p}" for p in page.evaluate(FIRM_OVERFLOW))
        for compare in comparisons:
            page.goto(demo_world.base + compare)
            where = f"{locale} {name} {compare}"
            problems.extend(f"{where}: {p}" for p in page.evaluate(COMPARE_PROBLEMS))
            width, inner = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if width > inner:
                problems.append(f"{where}: scrolls sideways ({width} > {inner} px)")
        context.close()
    assert not problems, "\n".join(problems)
