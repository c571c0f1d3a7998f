"""A centre's directory of service providers, kept by its reviewers, and the
providers a roadmap step can name: those of the centres the organisation is
registered with that offer the step's support service."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from maturity.core.refusals import Refusal, Refused
from maturity.core.report import ProviderLine
from maturity.core.text import is_single_line
from maturity.extensions import db
from maturity.models import Centre, CentreRegistration, Organisation, ServiceProvider, User
from maturity.services.audit import record

MAX_NAME = 200
MAX_CONTACT = 500
MAX_PROGRAMMES = 2000


class ProviderRefused(Refused):
    """``name_missing``, ``name_too_long``, ``no_service``, ``unknown_service``,
    ``contact_too_long``, ``programmes_too_long`` (each with its ``limit``) or
    ``not_one_line`` (a line break or a control character in the name or the contact)."""


@dataclass(frozen=True)
class ProviderInput:
    name: str
    services: list[str]
    contact: str
    programmes: str


def check(given: ProviderInput, service_ids: Iterable[str]) -> ProviderInput:
    """The input cleaned, or ProviderRefused saying what is wrong."""
    name = given.name.strip()
    if not name:
        raise ProviderRefused(Refusal.NAME_MISSING)
    if len(name) > MAX_NAME:
        raise ProviderRefused(Refusal.NAME_TOO_LONG, limit=MAX_NAME)
    if not (is_single_line(name) and is_single_line(given.contact.strip())):
        raise ProviderRefused(Refusal.NOT_ONE_LINE)
    services = list(dict.fromkeys(given.services))
    if not services:
        raise ProviderRefused(Refusal.NO_SERVICE)
    if not set(services) <= set(service_ids):
        raise ProviderRefused(Refusal.UNKNOWN_SERVICE)
    if len(given.contact) > MAX_CONTACT:
        raise ProviderRefused(Refusal.CONTACT_TOO_LONG, limit=MAX_CONTACT)
    if len(given.programmes) > MAX_PROGRAMMES:
        raise ProviderRefused(Refusal.PROGRAMMES_TOO_LONG, limit=MAX_PROGRAMMES)
    return ProviderInput(name, services, given.contact.strip(), given.programmes.strip())


def save_provider(
    centre: Centre,
    provider: ServiceProvider | None,
    given: ProviderInput,
    service_ids: Iterable[str],
    user: User,
) -> ServiceProvider:
    """Add a provider to the centre's directory (``provider`` None) or change one."""
    cleaned = check(given, service_ids)
    if provider is None:
        provider = ServiceProvider(centre=centre)
        db.session.add(provider)
    provider.name, provider.services = cleaned.name, cleaned.services
    provider.contact, provider.programmes = cleaned.contact, cleaned.programmes
    db.session.flush()
    record(user, "save_provider", "centre", centre.id, provider=provider.id, name=cleaned.name)
    db.session.commit()
    return provider


def delete_provider(centre: Centre, provider: ServiceProvider, user: User) -> None:
    record(user, "delete_provider", "centre", centre.id, provider=provider.id, name=provider.name)
    db.session.delete(provider)
    db.session.commit()


def provider_of(centre: Centre, provider_id: int) -> ServiceProvider | None:
    return db.session.scalar(
        select(ServiceProvider).where(
            ServiceProvider.id == provider_id, ServiceProvider.centre_id == centre.id
        )
    )


def providers_for(organisation: Organisation) -> dict[str, tuple[ProviderLine, ...]]:
    """Per support service: the providers of the centres the organisation is registered
    with (registration accepted), by centre and name."""
    rows = db.session.execute(
        select(ServiceProvider, Centre.name)
        .join(Centre, Centre.id == ServiceProvider.centre_id)
        .join(CentreRegistration, CentreRegistration.centre_id == Centre.id)
        .where(
            CentreRegistration.organisation_id == organisation.id,
            CentreRegistration.is_accepted,
        )
        .order_by(Centre.name, ServiceProvider.name, ServiceProvider.id)
    ).all()
    found: dict[str, list[ProviderLine]] = {}
    for provider, centre_name in rows:
        line = ProviderLine(provider.name, provider.contact, provider.programmes, centre_name)
        for service_id in provider.services:
            found.setdefault(service_id, []).append(line)
    return {service_id: tuple(lines) for service_id, lines in found.items()}
