"""真实性承诺: what the submitter of a round promises, in both languages.

The wording is versioned: a round stores the version its submitter accepted, and
the report prints that wording, whatever the current one says."""

from __future__ import annotations

from maturity.core.text import Text, is_single_line

CURRENT_VERSION = "1"
WORDINGS = {
    "1": Text(
        zh=(
            "本人承诺：本轮评估中填写的回答、备注和经营数据真实、准确、完整，"
            "所附证明材料与原件一致；如有不实，本人及本企业承担相应责任。"
            "本人同意服务中心或顾问据此对回答进行核实。"
        ),
        en=(
            "I confirm that the answers, notes and business figures given in this round "
            "are true, accurate and complete, and that the evidence attached matches the "
            "originals; I and my organisation answer for anything that is not. I agree that "
            "the service centre or the consultant may verify the answers against it."
        ),
    ),
}
ROLE_MAX_LENGTH = 100


def wording(version: str) -> Text:
    """The promise of that version (KeyError for a version never used)."""
    return WORDINGS[version]


def role_problem(role: str) -> str | None:
    """Why the submitter's role (职务) cannot be taken, or None: it is required, one
    line, at most 100 characters."""
    if len(role) > ROLE_MAX_LENGTH:
        return "too_long"
    if not is_single_line(role):
        return "not_one_line"
    if not role.strip():
        return "missing"
    return None
