"""The embed page's plain HTML form: what it posts, and the compose request it stands for.

Pure. Every field arrives as text; checking happens by building the same `ComposeRequest`
the JSON API takes, so the form and the API can never disagree about what is valid.
"""

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.campaigns.models import Campaign
from app.letters.schemas import ComposeRequest, ComposeResponse, Sender

# Bounds the work a form post can cause; the letter's own limits are checked after.
_MAX = 20_000
LINK_ORDER = ("mailto", "gmail", "outlook", "yahoo")


class EmbedForm(BaseModel):
    """The fields of the no-JavaScript form, all optional text as browsers send them."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field("", max_length=_MAX, examples=["Jane Doe"], description="Your name.")
    place: str = Field(
        "", max_length=_MAX, examples=["Basel"], description="Your town or city, as typed."
    )
    lang: str = Field("", max_length=20, examples=["en"], description="The page's language.")
    personal_note: str = Field(
        "", max_length=_MAX, examples=[""], description="A few words of the person's own."
    )
    signature: str = Field(
        "full", max_length=20, examples=["initials"], description="`full` or `initials`."
    )
    subject: str = Field("", max_length=_MAX, examples=[""], description="The edited subject.")
    body: str = Field("", max_length=_MAX, examples=[""], description="The edited letter.")
    embassy_id: str = Field(
        "",
        max_length=200,
        examples=["kz-almaty-consulate_general"],
        description="Another mission to write through, chosen on the page.",
    )
    # The letter as the server last rendered it: an unchanged text is not an edit, so a new
    # name or signature still renders anew.
    rendered_subject: str = Field(
        "", max_length=_MAX, examples=[""], description="The subject as last rendered."
    )
    rendered_body: str = Field(
        "", max_length=_MAX, examples=[""], description="The letter as last rendered."
    )


class FormProblem(ValueError):
    """The form cannot be composed; `fields` maps a form field to what is wrong with it."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("the form is not valid")
        self.fields = fields


# Sender and ComposeRequest paths back to the form fields that carry them.
_FIELD_OF = {"sender.name": "name", "sender.city": "place", "city": "place"}


def compose_request(campaign: Campaign, form: EmbedForm, language: str) -> ComposeRequest:
    """The compose body for this form; raises FormProblem naming the form's own fields."""
    edits = campaign.editable
    try:
        return ComposeRequest(
            campaign_id=campaign.id,
            language=language,
            sender=Sender(name=form.name.strip(), city=form.place.strip() or None),
            embassy_id=form.embassy_id.strip() or None,
            personal_note=form.personal_note.strip() or None,
            signature="initials" if form.signature == "initials" else "full",
            subject=_edit(form.subject, form.rendered_subject) if edits else None,
            body=_edit(form.body, form.rendered_body) if edits else None,
        )
    except ValidationError as error:
        raise FormProblem(_problems(error)) from None


def _edit(text: str, rendered: str) -> str | None:
    # Browsers submit a textarea's line breaks as CRLF whatever it was filled with.
    typed = text.replace("\r\n", "\n").strip()
    return typed if typed and typed != rendered.replace("\r\n", "\n").strip() else None


def _problems(error: ValidationError) -> dict[str, str]:
    # include_input=False: what the person typed never travels into a message.
    found: dict[str, str] = {}
    for item in error.errors(include_input=False, include_url=False):
        path = ".".join(str(p) for p in item["loc"])
        found.setdefault(_FIELD_OF.get(path, path.split(".")[-1]), item["msg"])
    return found


def too_long_links(answer: ComposeResponse) -> frozenset[str]:
    """The links the compose answer says some mail clients cannot open whole."""
    return frozenset(link for w in answer.warnings if w.code == "link_too_long" for link in w.links)
