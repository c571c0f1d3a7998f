"""The projects catalogue (format 3): what several roadmap steps are in practice.

Four level-2 steps (core systems, purchasing, warehousing, order to cash) are one
ERP/进销存 purchase, not four; a recommendation names its project, and the roadmap
bundles the steps of one project in one phase into one item, priced by the project's
cost band for the organisation's size class:

    projects:
      - id: erp
        label: {zh: ERP/进销存系统, en: ERP or inventory-and-sales system}
        solutions: {zh: 云ERP、进销存SaaS……, en: "Cloud ERP, inventory SaaS, …"}
        effort: months_3_6
        cost: {micro: under_50k, small: k50_200k, medium: k200k_1m, large: m1_5m}

Size classes are the organisation's (``core.reference.SizeClass``: large, medium,
small, micro); every project prices all four.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from maturity.core.items.base import FileProblem
from maturity.core.items.level import ID_PATTERN
from maturity.core.reference import SizeClass
from maturity.core.text import TEXT_SCHEMA, Text

SIZE_CLASSES = tuple(size.value for size in SizeClass)
_ID = {"type": "string", "pattern": ID_PATTERN}
SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["id", "label", "solutions", "cost"],
        "additionalProperties": False,
        "properties": {
            "id": _ID,
            "label": TEXT_SCHEMA,
            "solutions": TEXT_SCHEMA,
            "effort": _ID,
            "cost": {
                "type": "object",
                "required": list(SIZE_CLASSES),
                "additionalProperties": False,
                "properties": dict.fromkeys(SIZE_CLASSES, _ID),
            },
        },
    },
}


@dataclass(frozen=True)
class Project:
    """One project of the catalogue: its label, the typical solutions an SME buys or
    builds, its effort band and its cost band (ids of the questionnaire's
    ``effort_bands`` and ``cost_bands``) for each size class."""

    id: str
    label: Text
    solutions: Text
    cost: Mapping[str, str]  # size class ("large", "medium", "small", "micro") → cost band id
    effort: str | None = None

    def cost_band(self, size_class: SizeClass | str) -> str:
        return self.cost[SizeClass(size_class).value]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label.as_dict(),
            "solutions": self.solutions.as_dict(),
            **({"effort": self.effort} if self.effort else {}),
            "cost": {size: self.cost[size] for size in SIZE_CLASSES},
        }


def build(data: Mapping[str, Any]) -> tuple[Project, ...]:
    return tuple(
        Project(
            id=raw["id"],
            label=Text.of(raw["label"]),
            solutions=Text.of(raw["solutions"]),
            cost={size: raw["cost"][size] for size in SIZE_CLASSES},
            effort=raw.get("effort"),
        )
        for raw in data.get("projects", ())
    )


def file_problems(data: Mapping[str, Any]) -> Iterator[FileProblem]:
    """Duplicate project ids, and effort or cost bands the file does not define."""
    known = {
        kind: {raw.get("id") for raw in data.get(kind) or () if isinstance(raw, dict)}
        for kind in ("effort_bands", "cost_bands")
    }
    entries = data.get("projects")
    seen: dict[str, int] = {}
    for i, raw in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(raw, dict):
            continue
        project_id = raw.get("id")
        if isinstance(project_id, str):
            if project_id in seen:
                yield (
                    ["projects", i, "id"],
                    f"duplicate project id {project_id!r} (first at projects[{seen[project_id]}].id)",
                )
            else:
                seen[project_id] = i
        effort = raw.get("effort")
        if isinstance(effort, str) and effort not in known["effort_bands"]:
            yield ["projects", i, "effort"], f"unknown effort {effort!r}"
        cost = raw.get("cost")
        for size, band in (cost if isinstance(cost, dict) else {}).items():
            if isinstance(band, str) and band not in known["cost_bands"]:
                yield ["projects", i, "cost", size], f"unknown cost {band!r}"


def project_ids(data: Mapping[str, Any]) -> set[str]:
    entries = data.get("projects")
    return {
        raw["id"]
        for raw in (entries if isinstance(entries, list) else [])
        if isinstance(raw, dict) and isinstance(raw.get("id"), str)
    }
