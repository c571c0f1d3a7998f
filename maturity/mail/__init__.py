"""E-mail: rendered in the recipient's language, plain text plus HTML, and
delivered by a worker (maturity/mail/tasks.py) so that a slow or absent mail server
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

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_mailman import Mail
from flask_mailman.message import BadHeaderError
from markupsafe import Markup, escape

from maturity import queue
from maturity.mail.tasks import deliver, message_of

logger = logging.getLogger(__name__)
mail = Mail()


def init_app(app: Flask) -> None:
    mail.init_app(app)
    if app.config["MAIL_BACKEND"] in ("file", "console") and not app.testing:
        # Development: say where each message went (docs/operations/configuration.md, MATURITY_MAIL_BACKEND).
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
        message_of(message).message()  # what the worker will build: its headers checked
    except BadHeaderError as error:
        logger.error("mail %s to %s cannot be built: %s", template_name, to, error)
        return False
    try:
        queue.queue(deliver, message)
    except queue.QueueUnavailable as error:
        # Like a mail server away for good: the page goes on, the log says what was lost.
        logger.error("mail %s to %s could not be queued: %s", template_name, to, error)
    return True
