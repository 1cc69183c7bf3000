"""The HTML page the confirmation link opens, in the letter's (or the browser's) language."""

from fastapi.responses import HTMLResponse

from app.campaigns.language import best_match
from app.letters.mail_templates import MailTemplates
from app.letters.mail_texts import TEXTS, texts
from app.letters.sending import Confirmed

HEADERS = {
    # The token is in the URL: no referrer to other sites, no caching, no framing.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Frame-Options": "DENY",
}


def confirm_page(
    templates: MailTemplates, confirmed: Confirmed | None, accept_language: str | None,
    status: int, embassy_name: str | None = None,
) -> HTMLResponse:
    language = confirmed.language if confirmed else _language(accept_language)
    t = texts(language)
    if confirmed is not None:
        title, message = t["page_title_ok"], t["page_ok"].format(embassy=embassy_name or "")
        status_url: str | None = confirmed.answer.status_url
    else:
        title, message, status_url = t["page_title_bad"], t["page_bad"], None
    html = templates.html(
        "confirm_page", t=t, language=language, title=title, message=message,
        status_url=status_url,
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _language(accept_language: str | None) -> str:
    return best_match(accept_language, tuple(TEXTS), "en") or "en"
