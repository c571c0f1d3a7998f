"""Mail delivery on the workers: a slow or absent mail server never holds a page."""

from __future__ import annotations

import logging
import smtplib
from typing import TYPE_CHECKING

from flask import current_app
from flask_mailman import EmailMultiAlternatives
from flask_mailman.message import BadHeaderError

from maturity import queue

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger("maturity.mail")

# Transient failures (the mail server restarting, a network blip) are retried after
# these many seconds; the worker is free for other tasks meanwhile.
RETRY_DELAYS = (5, 30, 120, 600)


def message_of(message: dict[str, str]) -> EmailMultiAlternatives:
    """The e-mail of a rendered message (``maturity.mail.send`` renders it)."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=message["from"],
        to=[message["to"]],
    )
    email.attach_alternative(message["html"], "text/html")
    return email


@queue.task(bind=True, name="maturity.mail.deliver", max_retries=len(RETRY_DELAYS))
def deliver(self: Task, message: dict[str, str]) -> None:
    """Send one rendered message; a transient failure (the mail server restarting, a
    network blip) is tried again later, a refusal is logged and not repeated."""
    name, to = message["name"], message["to"]
    try:
        message_of(message).send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, BadHeaderError) as refused:
        logger.error("mail %s to %s refused: %s", name, to, refused)
        return  # permanent: trying again gets the same answer
    except Exception as error:
        if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
            logger.error("mail %s to %s refused: %s", name, to, error)
            return
        attempt = self.request.retries
        if self.request.is_eager or attempt >= len(RETRY_DELAYS):
            logger.error("mail %s to %s could not be sent: %s", name, to, error)
            return
        logger.warning("mail %s to %s: attempt %d failed: %s", name, to, attempt + 1, error)
        raise self.retry(exc=error, countdown=RETRY_DELAYS[attempt]) from error
    backend = current_app.config["MAIL_BACKEND"]
    where = f" (written to {current_app.config['MAIL_FILE_PATH']})" if backend == "file" else ""
    logger.info("mail %s to %s sent%s", name, to, where)
