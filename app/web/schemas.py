"""The shapes of the widget's own endpoint."""

from pydantic import BaseModel, Field


class WidgetConfig(BaseModel):
    """What the widget needs besides the campaign: its words and how the platform sends."""

    languages: list[str] = Field(
        examples=[["de", "en", "es", "fr", "ru"]], description="The languages of `messages`."
    )
    messages: dict[str, dict[str, str]] = Field(
        examples=[{"en": {"write": "Write my letter"}, "de": {"write": "Meinen Brief schreiben"}}],
        description="The widget's own words, by language then key.",
    )
    sending: bool = Field(
        examples=[True],
        description="Whether this service sends letters for people (POST /v1/letters).",
    )
    reporting: bool = Field(
        examples=[True],
        description="Whether the service counts letters people send themselves "
        "(POST /v1/letters/reported).",
    )
    from_name: str = Field(
        examples=["Embassy Letters"],
        description='Letters sent for people are from "<name> via <from_name>".',
    )
    from_email: str = Field(
        examples=["letters@example.org"], description="The platform's sender address."
    )
