"""An embassy record, as shipped in data/embassies.json and served by the API."""

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal[
    "embassy", "consulate_general", "consulate", "consular_office",
    "interests_section", "representative_office",
]
Status = Literal["open", "suspended", "closed"]
CoordPrecision = Literal["building", "street", "city"]
# A source's date as precise as the source gives it: a year, a month or a day.
SourceDate = Annotated[str, Field(pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]

# Kinds that stand for the country as a whole: an interests section stands in for an
# embassy where relations are broken (Georgia).
EMBASSY_LEVEL: frozenset[str] = frozenset({"embassy", "interests_section"})


class Sources(BaseModel):
    """Where each fact came from: URLs, `github:owner/repo/path` or `github-index-file-id:N`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    existence: list[str] = Field(default_factory=list)
    address: list[str] = Field(default_factory=list)
    emails: dict[str, list[str]] = Field(
        default_factory=dict, description="Sources for each e-mail address, keyed by address."
    )
    phones: list[str] = Field(default_factory=list)
    website: list[str] = Field(default_factory=list)
    coords: list[str] = Field(default_factory=list)
    accreditation: list[str] = Field(default_factory=list)
    status: list[str] = Field(default_factory=list)


class Embassy(BaseModel):
    """One of Russia's diplomatic missions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(examples=["ch-bern-embassy"], pattern=r"^[a-z]{2}-[a-z0-9-]+-[a-z_]+$")
    kind: Kind = Field(examples=["embassy"])
    name: str = Field(examples=["Embassy of the Russian Federation in the Swiss Confederation"])
    country: str = Field(examples=["CH"], description="Host country, ISO 3166-1 alpha-2.")
    city: str = Field(examples=["Bern"])
    address: str | None = Field(None, examples=["Brunnadernrain 37, 3006 Bern, Switzerland"])
    lat: float = Field(examples=[46.934167])
    lon: float = Field(examples=[7.463056])
    coord_precision: CoordPrecision = Field(examples=["building"])
    emails: list[str] = Field(default_factory=list, examples=[["rusbotschaft@bluewin.ch"]])
    email_roles: dict[str, str] = Field(
        default_factory=dict, examples=[{"rusbotschaft@bluewin.ch": "general"}]
    )
    phones: list[str] = Field(default_factory=list, examples=[["+41 31 352 05 66"]])
    website: str | None = Field(None, examples=["https://switzerland.mid.ru"])
    accredited_to: list[str] = Field(
        examples=[["CH", "LI"]],
        description="Every country the mission serves, its host country first.",
    )
    status: Status = Field(examples=["open"])
    status_date: date | None = Field(None, description="When the status last changed.")
    status_note: str | None = None
    sources: Sources
    source_dates: dict[str, SourceDate] = Field(
        default_factory=dict,
        description="The date of a source where known (YYYY, YYYY-MM or YYYY-MM-DD), keyed by "
        "the source as it appears in `sources`.",
    )
    verified_at: date | None = Field(
        None, description="When a person last checked the record against its sources."
    )
    updated_at: date = Field(examples=["2026-11-25"], description="When the record was built.")

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_embassy_level(self) -> bool:
        return self.kind in EMBASSY_LEVEL
