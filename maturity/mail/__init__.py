"""E-mail: rendered in the recipient's language, plain text plus HTML, and sent
from a background thread so that a slow or absent mail server never holds a page.

Each message is one template, ``templates/mail/<name>.txt``, with a ``subject``
and a ``body`` block; the HTML part is made from the same text (paragraphs, links
made clickable), so the two never say different things. Flask-Mailman delivers it:
over SMTP in production (``MATURITY_MAIL_*``), written to ``instance/mail/`` in
development.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives, Mail
from markupsafe import Markup, escape

logger = logging.getLogger(__name__)
mail = Mail()

# Transient failures (the mail server restarting, a network blip) are retried.
RETRY_DELAYS = (1.0, 4.0, 15.0)

_pool: tuple[int, ThreadPoolExecutor] | None = None
_pending: set[Future[None]] = set()


def init_app(app: Flask) -> None:
    mail.init_app(app)
    if app.config["MAIL_BACKEND"] in ("file", "console") and not app.testing:
        # Development: say where each message went (README, "E-mail").
        if not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _executor() -> ThreadPoolExecutor:
    global _pool
    pid = os.getpid()
    if _pool is None or _pool[0] != pid:
        _pool = (pid, ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail"))
    return _pool[1]


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


def send(to: str, template_name: str, locale: str, **context: object) -> None:
    """Render now (in this request) and deliver in the background."""
    subject, text, html = render(template_name, locale, **context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy method Flask's types omit
    future = _executor().submit(_deliver, app, message, template_name)
    _pending.add(future)
    future.add_done_callback(_pending.discard)


def _deliver(app: Flask, message: EmailMultiAlternatives, name: str) -> None:
    for attempt, delay in enumerate((0.0, *RETRY_DELAYS)):
        time.sleep(delay)
        try:
            with app.app_context():
                message.send()
            backend = app.config["MAIL_BACKEND"]
            where = f" (written to {app.config['MAIL_FILE_PATH']})" if backend == "file" else ""
            logger.info("mail %s to %s sent%s", name, ", ".join(message.to), where)
            return
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as refused:
            logger.error("mail %s to %s refused: %s", name, ", ".join(message.to), refused)
            return  # permanent: trying again gets the same answer
        except Exception as error:  # the mail server or the network away: try again
            if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
                logger.error("mail %s to %s refused: %s", name, ", ".join(message.to), error)
                return
            logger.warning(
                "mail %s to %s: attempt %d failed: %s", name, message.to, attempt + 1, error
            )
    logger.error("mail %s to %s could not be sent", name, ", ".join(message.to))


def drain(timeout: float = 60) -> None:
    """Wait until every message queued so far in this process has been handled."""
    wait(list(_pending), timeout=timeout)
