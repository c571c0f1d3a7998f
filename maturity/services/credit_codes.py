"""Unified social credit codes: a claim until the business licence is checked.

Anyone may register an organisation with any code, so a code proves nothing by being
typed: the organisation's owner uploads its business licence (营业执照), and an
administrator or a reviewer of its centre compares it with the code. Several
organisations may claim one code, and no page tells anyone whether a code is on the
platform; once one of them is verified the others are disputed and their owners told.
A centre's import sends registration requests only to verified holders: a code that
only unverified organisations claim waits, listed for the centre's reviewers to
verify, and the request follows the organisation that is verified.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select

from maturity.core.refusals import Refusal, Refused
from maturity.core.uploads import IMAGES_AND_PDF, DocumentKind, accepted_kind
from maturity.extensions import db
from maturity.models import (
    Centre,
    CentreRegistration,
    CodeVerificationRequest,
    CreditCodeState,
    Organisation,
    User,
)
from maturity.models._types import utcnow
from maturity.services.audit import record
from maturity.storage import documents

# A scan or a photograph; within the platform's upload limit (MATURITY_MAX_UPLOAD_MB).
MAX_LICENCE_BYTES = 5 * 1024 * 1024


class LicenceRefused(Refused):
    """``no_code`` (the organisation gave no credit code), ``empty``, ``too_large``
    (with its ``limit``) or ``wrong_type`` (not a PDF, PNG or JPEG by its content)."""


class VerificationRefused(Refused):
    """``no_licence`` (nothing to compare the code with) or ``verified``."""


def upload_licence(organisation: Organisation, data: bytes, user: User) -> None:
    """Store the business licence (its kind read from the content) under a generated
    name, replacing an earlier one; committed. A new licence asks for a new check, so
    a disputed code stays disputed until someone verifies it."""
    if not organisation.credit_code:
        raise LicenceRefused(Refusal.NO_CODE)
    if not data:
        raise LicenceRefused(Refusal.EMPTY)
    if len(data) > MAX_LICENCE_BYTES:
        raise LicenceRefused(Refusal.TOO_LARGE, limit=MAX_LICENCE_BYTES)
    kind = accepted_kind(data, IMAGES_AND_PDF)
    if kind is None:
        raise LicenceRefused(Refusal.WRONG_TYPE)
    name = f"licence-{organisation.id}-{secrets.token_hex(16)}.{kind.extension}"
    with documents().writing(name) as handle:
        handle.write(data)
    previous = organisation.licence_file
    organisation.licence_file, organisation.licence_kind = name, kind.value
    organisation.licence_uploaded_at = utcnow()
    record(
        user, "upload_business_licence", "organisation", organisation.id, organisation.id,
        kind=kind.value, size=len(data),
    )  # fmt: skip
    db.session.commit()
    if previous:
        documents().remove(previous)


def licence_kind(organisation: Organisation) -> DocumentKind | None:
    return DocumentKind(organisation.licence_kind) if organisation.licence_kind else None


def code_changed(organisation: Organisation, old_code: str | None) -> str | None:
    """After the profile changed the code (not committed yet): the old proof no longer
    applies, so the code is a claim again and the licence goes. Returns the licence
    file to remove once the change is committed (``forget_file``)."""
    if organisation.credit_code == old_code:
        return None
    forgotten = organisation.licence_file
    organisation.credit_code_state = CreditCodeState.UNVERIFIED
    organisation.credit_code_verified_at = organisation.credit_code_verified_by_id = None
    organisation.licence_file = organisation.licence_kind = None
    organisation.licence_uploaded_at = None
    return forgotten


def forget_file(name: str | None) -> None:
    if name:
        documents().remove(name)


@dataclass
class Verified:
    """What a verification changed: the organisations now disputed and the centres
    whose waiting requests now reach the verified organisation."""

    disputed: list[Organisation] = field(default_factory=list)
    requesting_centres: list[Centre] = field(default_factory=list)


def verify(organisation: Organisation, verifier: User) -> Verified:
    """Mark the organisation's code verified (committed): every other claimant of the
    code is disputed, and the registration requests that imports held back for the
    code go to this organisation."""
    if organisation.credit_code_state is CreditCodeState.VERIFIED:
        raise VerificationRefused(Refusal.VERIFIED)
    if not organisation.licence_file or not organisation.credit_code:
        raise VerificationRefused(Refusal.NO_LICENCE)
    code = organisation.credit_code
    others = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.credit_code == code, Organisation.id != organisation.id)
            .order_by(Organisation.id)
        )
    )
    for other in others:
        other.credit_code_state = CreditCodeState.DISPUTED
        other.credit_code_verified_at = other.credit_code_verified_by_id = None
    db.session.flush()  # the former holder gives the code up before this one takes it
    organisation.credit_code_state = CreditCodeState.VERIFIED
    organisation.credit_code_verified_at = utcnow()
    organisation.credit_code_verified_by_id = verifier.id
    outcome = Verified(disputed=list(others))
    waiting = list(
        db.session.scalars(
            select(CodeVerificationRequest)
            .where(CodeVerificationRequest.credit_code == code)
            .order_by(CodeVerificationRequest.id)
        )
    )
    for centre_id in dict.fromkeys(w.centre_id for w in waiting):
        centre = db.session.get_one(Centre, centre_id)
        exists = db.session.scalar(
            select(CentreRegistration.id).where(
                CentreRegistration.centre_id == centre_id,
                CentreRegistration.organisation_id == organisation.id,
            )
        )
        if exists is None:
            requested_by = next(w.requested_by_id for w in waiting if w.centre_id == centre_id)
            db.session.add(
                CentreRegistration(
                    centre_id=centre_id,
                    organisation_id=organisation.id,
                    registered_by_id=requested_by,
                )
            )
            outcome.requesting_centres.append(centre)
    db.session.execute(
        delete(CodeVerificationRequest).where(CodeVerificationRequest.credit_code == code)
    )
    record(
        verifier, "verify_credit_code", "organisation", organisation.id, organisation.id,
        disputed=[o.id for o in others],
    )  # fmt: skip
    db.session.commit()
    return outcome


def reject(organisation: Organisation, verifier: User) -> None:
    """The licence does not show the organisation's code: it is removed (committed),
    the code stays a claim, and the owner may upload the right one."""
    if organisation.credit_code_state is CreditCodeState.VERIFIED:
        raise VerificationRefused(Refusal.VERIFIED)
    if not organisation.licence_file:
        raise VerificationRefused(Refusal.NO_LICENCE)
    forgotten = organisation.licence_file
    organisation.licence_file = organisation.licence_kind = None
    organisation.licence_uploaded_at = None
    record(verifier, "reject_business_licence", "organisation", organisation.id, organisation.id)
    db.session.commit()
    forget_file(forgotten)


def hold_for_verification(centre: Centre, claimants: list[int], code: str, user: User) -> None:
    """An import named ``code``, which only unverified organisations claim: the
    centre's request waits for one of them to be verified (in the caller's
    transaction)."""
    known = set(
        db.session.scalars(
            select(CodeVerificationRequest.organisation_id).where(
                CodeVerificationRequest.centre_id == centre.id
            )
        )
    )
    for organisation_id in claimants:
        if organisation_id not in known:
            db.session.add(
                CodeVerificationRequest(
                    centre_id=centre.id,
                    organisation_id=organisation_id,
                    credit_code=code,
                    requested_by_id=user.id,
                )
            )


def to_verify_for_centre(centre: Centre) -> list[Organisation]:
    """What the centre's reviewers may verify: claimants of codes its imports named,
    and organisations that consented to the centre and uploaded a licence not verified
    yet (without consent a centre does not learn a registered organisation's name)."""
    waiting = select(CodeVerificationRequest.organisation_id).where(
        CodeVerificationRequest.centre_id == centre.id
    )
    registered = select(CentreRegistration.organisation_id).where(
        CentreRegistration.centre_id == centre.id, CentreRegistration.has_consent
    )
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.credit_code_state != CreditCodeState.VERIFIED,
                or_(
                    Organisation.id.in_(waiting),
                    Organisation.id.in_(registered) & Organisation.licence_file.is_not(None),
                ),
            )
            .order_by(Organisation.credit_code, Organisation.id)
        )
    )


def to_verify() -> list[Organisation]:
    """Every organisation with a licence waiting for a check (administrators)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.licence_file.is_not(None),
                Organisation.credit_code_state != CreditCodeState.VERIFIED,
            )
            .order_by(Organisation.licence_uploaded_at, Organisation.id)
        )
    )


def may_verify_as_centre(user: User, organisation: Organisation, centre_ids: list[int]) -> bool:
    """Whether one of the reviewer's centres may check the organisation's code: it
    consents to the centre, or one of the centre's imports named its code."""
    if not centre_ids:
        return False
    waiting = db.session.scalar(
        select(CodeVerificationRequest.id).where(
            CodeVerificationRequest.organisation_id == organisation.id,
            CodeVerificationRequest.centre_id.in_(centre_ids),
        )
    )
    if waiting is not None:
        return True
    registered = db.session.scalar(
        select(CentreRegistration.id).where(
            CentreRegistration.organisation_id == organisation.id,
            CentreRegistration.centre_id.in_(centre_ids),
            CentreRegistration.has_consent,
        )
    )
    return registered is not None
