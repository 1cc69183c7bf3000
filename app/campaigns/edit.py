"""The person's own edit of a rendered letter: it replaces the wording, within limits."""

from dataclasses import replace

from app.campaigns.models import Campaign, Letter
from app.campaigns.text import clean_line, clean_text
from app.errors import FieldError, Unprocessable

SUBJECT_MAX = 200
BODY_MAX = 8000


def apply_edit(
    campaign: Campaign, letter: Letter, subject: str | None, body: str | None
) -> Letter:
    """`letter` with the person's subject and/or body; `None` keeps the rendered one.

    A campaign with `editable = false` refuses any edit (422 on each edited field), so a
    campaign that must say exactly its words is never sent with other words under its name.
    """
    if subject is None and body is None:
        return letter
    if not campaign.editable:
        refused = [
            FieldError(field, "this campaign's letter cannot be edited")
            for field, value in (("subject", subject), ("body", body))
            if value is not None
        ]
        raise Unprocessable("This campaign's letter cannot be edited.", refused)
    errors: list[FieldError] = []
    new_subject = _cleaned(errors, "subject", subject, SUBJECT_MAX, one_line=True)
    new_body = _cleaned(errors, "body", body, BODY_MAX, one_line=False)
    if errors:
        raise Unprocessable.for_fields(errors)
    return replace(
        letter,
        subject=new_subject or letter.subject,
        body=new_body or letter.body,
        parts=letter.parts if new_body is None else (),
        known=letter.known if new_body is None else (),
    )


def _cleaned(
    errors: list[FieldError], field: str, value: str | None, limit: int, one_line: bool
) -> str | None:
    if value is None:
        return None
    try:
        cleaned = clean_line(field, value, limit) if one_line else clean_text(field, value, limit)
    except Unprocessable as error:
        errors.extend(error.errors)
        return None
    if not cleaned:
        errors.append(FieldError(field, "must not be empty"))
    return cleaned
