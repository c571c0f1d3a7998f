"""Notices the platform mails of its own accord, after something changed."""

from __future__ import annotations

from flask import url_for

from maturity.mail import send
from maturity.models import Assessment, Centre, Organisation
from maturity.models._types import utcnow
from maturity.services.accounts import PasswordChanged
from maturity.services.credit_codes import Verified
from maturity.services.organisations import owners_of
from maturity.services.verification import VerifiedRound


def password_changed(changed: PasswordChanged) -> None:
    """Tell the account's owner that its password changed, and what happened to the
    API tokens, in case it was not them."""
    user = changed.user
    send(
        user.email,
        "password_changed",
        user.locale,
        name=user.name,
        when=utcnow(),
        reset=url_for("auth.forgot", _external=True),
        tokens_revoked=changed.tokens_revoked,
        tokens_kept=changed.tokens_kept,
    )


def centre_request(centre: Centre, organisation: Organisation) -> None:
    """Tell the organisation's owners that a centre asks to register it."""
    link = url_for(
        "organisations.show", organisation_id=organisation.id, _anchor="centres", _external=True
    )
    for owner in owners_of(organisation):
        send(
            owner.email,
            "centre_request",
            owner.locale,
            name=owner.name,
            centre=centre.name,
            organisation=organisation.name,
            link=link,
        )


def credit_code_verified(organisation: Organisation, outcome: Verified) -> None:
    """After a verification: the owners of every other claimant learn that their code
    is disputed, and the verified organisation's owners of the requests it now has."""
    for other in outcome.disputed:
        link = url_for("organisations.credit_code", organisation_id=other.id, _external=True)
        for owner in owners_of(other):
            send(
                owner.email,
                "credit_code_disputed",
                owner.locale,
                name=owner.name,
                organisation=other.name,
                code=other.credit_code,
                link=link,
            )
    for centre in outcome.requesting_centres:
        centre_request(centre, organisation)


def licence_rejected(organisation: Organisation) -> None:
    link = url_for("organisations.credit_code", organisation_id=organisation.id, _external=True)
    for owner in owners_of(organisation):
        send(
            owner.email,
            "licence_rejected",
            owner.locale,
            name=owner.name,
            organisation=organisation.name,
            code=organisation.credit_code,
            link=link,
        )


def verification_completed(assessment: Assessment, found: VerifiedRound) -> None:
    """Tell the organisation's owners that a round's verification is complete: its
    status, the scores side by side, how many answers were adjusted."""
    organisation = assessment.organisation
    link = url_for("assessments.results", assessment_id=assessment.id, _external=True)
    declared = found.declared.overall_index if found.declared else None
    verified = found.verified.overall_index if found.verified else None
    for owner in owners_of(organisation):
        send(
            owner.email,
            "verification_completed",
            owner.locale,
            name=owner.name,
            organisation=organisation.name,
            round=assessment.round,
            status=found.status.value,
            checked=found.state.checked,
            applicable=found.state.applicable,
            adjusted=found.state.adjusted,
            declared=declared,
            verified=verified,
            verifier=found.completed_by or "",
            link=link,
        )
