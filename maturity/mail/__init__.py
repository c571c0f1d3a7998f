"""E-mail: rendered in the recipient's language, plain text plus HTML, and
delivered by a worker (maturity/tasks.py) so that a slow or absent mail server
never holds a page; without a broker it is sent at once, in the request.

Each message is one template, ``templates/mail/<name>.txt``, with a ``subject``
and a ``body`` block; the HTML part is made from the same text (paragraphs, links
made clickable), so the two never say different things. Flask-Mailman delivers it:
over SMTP in production (``MATURITY_MAIL_*``), written to ``instance/mail/`` in
development.
"""

from __future__ import annotations

import logging
import re
import smtplib
from typing import TYPE_CHECKING

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives, Mail
from flask_mailman.message import BadHeaderError
from markupsafe import Markup, escape

from maturity import tasks

if TYPE_CHECKING:
    from celery import Task


logger = logging.getLogger(__name__)
mail = Mail()

# Transient failures (the mail server restarting, a network blip) are retried after
# these many seconds; the worker is free for other tasks meanwhile.
RETRY_DELAYS = (5, 30, 120, 600)


def init_app(app: Flask) -> None:
    mail.init_app(app)
    if app.config["MAIL_BACKEND"] in ("file", "console") and not app.testing:
        # Development: say where each message went (README, "E-mail").
        if not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)


_URL = re.compile(r"https?://[^\s<>\"]+")


def text_to_html(text: str) -> Markup:
    """Paragraphs of the text, escaped, with its links clickable."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        escaped = str(escape(paragraph))
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return Markup("\n".join(paragraphs))


def render(template_name: str, locale: str, **context: object) -> tuple[str, str, str]:
    """Subject, text and HTML of a message, in the given language."""
    with force_locale(locale):
        template = current_app.jinja_env.get_template(f"mail/{template_name}.txt")
        variables = {**context, "locale": locale}
        scope = template.new_context(dict(variables))
        subject = "".join(template.blocks["subject"](scope)).strip()
        text = render_template(f"mail/{template_name}.txt", **variables).strip() + "\n"
        html = render_template(
            "mail/layout.html", subject=subject, body=text_to_html(text), locale=locale
        )
    return subject, text, html


def _message(message: dict[str, str]) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=message["from"],
        to=[message["to"]],
    )
    email.attach_alternative(message["html"], "text/html")
    return email


def send(to: str, template_name: str, locale: str, **context: object) -> bool:
    """Render now (in this request) and queue the delivery for a worker; False when the
    mail cannot be built (a header with a line break, from a name stored before such
    names were refused): that is no passing trouble, so it is logged and not queued,
    and the caller says it was not sent."""
    subject, text, html = render(template_name, locale, **context)
    message = {
        "name": template_name,
        "to": to,
        "from": current_app.config["MAIL_DEFAULT_SENDER"],
        "subject": subject,
        "text": text,
        "html": html,
    }
    try:
        _message(message).message()  # what the worker will build: its headers checked
    except BadHeaderError as error:
        logger.error("mail %s to %s cannot be built: %s", template_name, to, error)
        return False
    try:
        tasks.queue(deliver, message)
    except tasks.QueueUnavailable as error:
        # Like a mail server away for good: the page goes on, the log says what was lost.
        logger.error("mail %s to %s could not be queued: %s", template_name, to, error)
    return True


@tasks.task(bind=True, name="maturity.mail.deliver", max_retries=len(RETRY_DELAYS))
def deliver(self: Task, message: dict[str, str]) -> None:
    """Send one rendered message; a transient failure (the mail server restarting, a
    network blip) is tried again later, a refusal is logged and not repeated."""
    name, to = message["name"], message["to"]
    try:
        _message(message).send()
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
