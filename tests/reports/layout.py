"""Where WeasyPrint put each element of a report: the pages it lies on and how far
right it reaches, to check for seams (a heading alone at a page's foot, a short table
or a chart split across pages, text past the right margin)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from maturity.reports.pdf import StaticFilesOnly, base_url

HEADINGS = ("h2", "h3", "h4")
SHORT_TABLE = 10  # rows: a table this short is never split


@dataclass
class Layout:
    pages: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    right: dict[int, float] = field(default_factory=dict)
    elements: dict[int, Any] = field(default_factory=dict)
    following: dict[int, Any] = field(default_factory=dict)  # the next sibling element
    content_right: float = 0.0

    def pages_of(self, element: Any) -> set[int]:
        """The pages of the element and of everything inside it."""
        found: set[int] = set(self.pages.get(id(element), ()))
        for child in element.iter():
            found |= self.pages.get(id(child), set())
        return found


def render(html: str) -> Any:
    """The laid-out document (its ``write_pdf()`` gives the PDF of the same layout)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url(), url_fetcher=StaticFilesOnly()).render()


def lay_out(document: Any) -> Layout:
    layout = Layout()

    def walk(box: Any, number: int) -> None:
        element = getattr(box, "element", None)
        if element is not None and not isinstance(element, str):
            layout.pages[id(element)].add(number)
            layout.elements[id(element)] = element
            reach = box.position_x + box.margin_width()
            layout.right[id(element)] = max(layout.right.get(id(element), 0.0), reach)
        for child in getattr(box, "children", ()):
            walk(child, number)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, number)
        if number == 2:
            box = page._page_box
            layout.content_right = box.content_box_x() + box.width
    root = document.pages[0]._page_box.children[0].element
    for parent in root.iter():
        children = list(parent)
        for child, after in pairwise(children):
            layout.following[id(child)] = after
    return layout


def seams(document: Any) -> list[str]:
    """Every seam found in a laid-out document, in words (none: an empty list)."""
    layout = lay_out(document)
    found: list[str] = []
    text = {id(e): " ".join("".join(e.itertext()).split())[:60] for e in layout.elements.values()}
    for element in layout.elements.values():
        tag = element.tag
        if tag in HEADINGS:
            following = layout.following.get(id(element))
            if following is None:
                continue
            own, next_pages = layout.pages_of(element), layout.pages_of(following)
            if next_pages and max(own) not in next_pages:
                found.append(f"heading alone at a page foot: {text[id(element)]}")
        if tag == "table" and "data" in (element.get("class") or "").split():
            rows = element.findall(".//tbody/tr") or element.findall(".//tr")
            if len(rows) <= SHORT_TABLE and len(layout.pages_of(element)) > 1:
                found.append(f"short table split: {text[id(element)]}")
        if tag == "figure" and len(layout.pages_of(element)) > 1:
            found.append(f"figure split: {text[id(element)]}")
        classes = (element.get("class") or "").split()
        if "tag" in classes and layout.right[id(element)] > layout.content_right + 0.5:
            found.append(f"past the right margin: {text[id(element)]}")
    return found


def _text_of(box: Any) -> str:
    if hasattr(box, "text"):
        return str(box.text)
    return "".join(_text_of(child) for child in getattr(box, "children", ()))


def running_headers(document: Any, at_keyword: str = "@top-right") -> list[str]:
    """The text of each page's running header in that margin box ('' where none)."""
    headers = []
    for page in document.pages:
        boxes = [
            child
            for child in page._page_box.children
            if getattr(child, "at_keyword", None) == at_keyword
        ]
        headers.append(" ".join(_text_of(boxes[0]).split()) if boxes else "")
    return headers


def section_in_effect(document: Any) -> list[str]:
    """For each page, the heading of the section in effect at the page's top: the last
    section heading (an h2 of a section) above the page, or the one that opens the page
    itself ('' before the first). Found from where the headings are laid out, not from
    the running header."""
    starts: list[tuple[int, bool, str]] = []  # page, opens the page, heading
    root = document.pages[0]._page_box.children[0].element
    section_headings = {
        id(child) for section in root.iter("section") for child in section if child.tag == "h2"
    }
    for number, page in enumerate(document.pages, start=1):
        headings: list[tuple[float, str]] = []
        tops: list[float] = []
        _walk_headings(page._page_box.children[0], section_headings, headings, tops)
        for y, text in headings:
            starts.append((number, y <= min(tops) + 0.5, text))
    in_effect = []
    for number in range(1, len(document.pages) + 1):
        current = ""
        for page, opens, text in starts:
            if page < number or (page == number and opens):
                current = text
        in_effect.append(current)
    return in_effect


def _walk_headings(
    box: Any, wanted: set[int], headings: list[tuple[float, str]], tops: list[float]
) -> None:
    """Collect the top of each wanted heading's text and of every text on the page."""
    if id(getattr(box, "element", None)) in wanted:
        text_tops = _text_tops(box)
        if text_tops:
            headings.append((min(text_tops), " ".join(_text_of(box).split())))
            tops.extend(text_tops)
        return
    if hasattr(box, "text") and str(box.text).strip():
        tops.append(float(box.position_y))
    for child in getattr(box, "children", ()):
        _walk_headings(child, wanted, headings, tops)


def _text_tops(box: Any) -> list[float]:
    if hasattr(box, "text"):
        return [float(box.position_y)] if str(box.text).strip() else []
    return [y for child in getattr(box, "children", ()) for y in _text_tops(child)]


def list_seams(document: Any) -> list[str]:
    """Lists split so that a page holds a single item of them, and short lists (four
    items or fewer) or the next steps split at all."""
    layout = lay_out(document)
    found: list[str] = []
    for element in layout.elements.values():
        classes = (element.get("class") or "").split()
        text = " ".join("".join(element.itertext()).split())[:60]
        if "next-steps" in classes and len(layout.pages_of(element)) > 1:
            found.append(f"next steps split: {text}")
        if element.tag not in ("ul", "ol"):
            continue
        items = [child for child in element if child.tag == "li"]
        starts = [min(layout.pages_of(item)) for item in items if layout.pages_of(item)]
        if len(set(starts)) < 2:
            continue
        if len(items) <= 4:
            found.append(f"short list split: {text}")
        elif any(starts.count(page) == 1 for page in set(starts)):
            found.append(f"one list item alone on a page: {text}")
    return found
