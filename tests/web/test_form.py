"""The no-JavaScript form's fields, as the compose request they stand for."""

from dataclasses import replace

import pytest

from app.campaigns.models import Campaign
from app.campaigns.registry import CampaignRegistry
from app.services import Services
from app.web.form import EmbedForm, FormProblem, compose_request


@pytest.fixture
def campaign(services: Services) -> Campaign:
    registry: CampaignRegistry = services.campaigns
    return registry.get("navalny-appeal")


def test_the_fields_become_the_compose_request(campaign: Campaign) -> None:
    form = EmbedForm(name=" Jane Doe ", place="Basel", signature="initials", embassy_id="")
    request = compose_request(campaign, form, "en")
    assert request.sender.name == "Jane Doe"
    assert request.sender.city == "Basel"
    assert request.signature == "initials"
    assert request.embassy_id is None
    assert (request.subject, request.body) == (None, None)


def test_an_unchanged_letter_is_not_an_edit(campaign: Campaign) -> None:
    # Browsers post textareas with CRLF line breaks, whatever they were filled with.
    form = EmbedForm(
        name="Jane",
        body="Dear Sir,\r\n\r\nJane",
        rendered_body="Dear Sir,\n\nJane",
        subject="Edited",
        rendered_subject="Appeal",
    )
    request = compose_request(campaign, form, "en")
    assert request.body is None
    assert request.subject == "Edited"


def test_a_fixed_campaign_ignores_posted_edits(campaign: Campaign) -> None:
    fixed = replace(campaign, editable=False)
    request = compose_request(fixed, EmbedForm(name="Jane", body="Other words"), "en")
    assert request.body is None


def test_problems_name_the_form_fields_and_never_echo_the_input(campaign: Campaign) -> None:
    with pytest.raises(FormProblem) as caught:
        compose_request(campaign, EmbedForm(name="", place="x" * 300), "en")
    assert set(caught.value.fields) == {"name", "place"}
    assert "xxx" not in " ".join(caught.value.fields.values())
