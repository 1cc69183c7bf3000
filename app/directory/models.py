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

    existence: list[str] = Field(default_factory=list, description="That the mission exists.",
                                 examples=[["https://switzerland.mid.ru"]])
    address: list[str] = Field(default_factory=list, description="For the postal address.")
    emails: dict[str, list[str]] = Field(
        default_factory=dict, description="Sources for each e-mail address, keyed by address.",
        examples=[{"rusbotschaft@bluewin.ch": ["https://switzerland.mid.ru"]}],
    )
    phones: list[str] = Field(default_factory=list, description="For the phone numbers.")
    website: list[str] = Field(default_factory=list, description="For the website.")
    coords: list[str] = Field(default_factory=list, description="For the coordinates.")
    accreditation: list[str] = Field(default_factory=list,
                                     description="For the countries it is accredited to.")
    status: list[str] = Field(default_factory=list, description="For its status.")


class Embassy(BaseModel):
    """One of Russia's diplomatic missions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(examples=["ch-bern-embassy"], pattern=r"^[a-z]{2}-[a-z0-9-]+-[a-z_]+$",
                    description="`{country}-{city}-{kind}`, stable across releases.")
    kind: Kind = Field(examples=["embassy"], description="What kind of mission it is.")
    name: str = Field(examples=["Embassy of the Russian Federation in the Swiss Confederation"],
                      description="The mission's name.")
    country: str = Field(examples=["CH"], description="Host country, ISO 3166-1 alpha-2.")
    city: str = Field(examples=["Bern"], description="The city it is in.")
    address: str | None = Field(None, examples=["Brunnadernrain 37, 3006 Bern, Switzerland"],
                                description="Postal address, where a source gives it.")
    lat: float = Field(examples=[46.934167], description="Latitude, degrees.")
    lon: float = Field(examples=[7.463056], description="Longitude, degrees.")
    coord_precision: CoordPrecision = Field(
        examples=["building"], description="`city`: the city's point, not the building's.")
    emails: list[str] = Field(default_factory=list, examples=[["rusbotschaft@bluewin.ch"]],
                              description="Sourced addresses, general ones first.")
    email_roles: dict[str, str] = Field(
        default_factory=dict, examples=[{"rusbotschaft@bluewin.ch": "general"}],
        description="`general`, `consular`, `press` or `other`, keyed by address.",
    )
    email_dates: dict[str, SourceDate] = Field(
        default_factory=dict, examples=[{"rusbotschaft@bluewin.ch": "2024-05"}],
        description="For each address, the date of the newest source that shows it (from "
        "`source_dates`; YYYY, YYYY-MM or YYYY-MM-DD). An address whose newest source is "
        "older than `LETTERS_EMAIL_DATED_AFTER_YEARS` (default 5) is dated: compose warns "
        "(`email_dated`) and recent addresses are preferred. Absent: no source of it gives "
        "a date.",
    )
    phones: list[str] = Field(default_factory=list, examples=[["+41 31 352 05 66"]],
                              description="Phone numbers as the sources write them.")
    website: str | None = Field(None, examples=["https://switzerland.mid.ru"],
                                description="The mission's website.")
    accredited_to: list[str] = Field(
        examples=[["CH", "LI"]],
        description="Every country the mission serves, its host country first.",
    )
    status: Status = Field(examples=["open"], description="Closed and suspended missions "
                           "are listed but never chosen.")
    status_date: date | None = Field(None, description="When the status last changed.",
                                     examples=["2022-02-24"])
    status_note: str | None = Field(None, description="What the sources say of its status.",
                                    examples=["Active: embassy press release of 2025-06-12."])
    sources: Sources
    source_dates: dict[str, SourceDate] = Field(
        default_factory=dict,
        description="The date of a source where known (YYYY, YYYY-MM or YYYY-MM-DD), keyed by "
        "the source as it appears in `sources`.",
        examples=[{"https://switzerland.mid.ru": "2024-05"}],
    )
    verified_at: date | None = Field(
        None, description="When a person last checked the record against its sources.",
        examples=["2026-11-25"],
    )
    updated_at: date = Field(examples=["2026-11-25"], description="When the record was built.")

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_embassy_level(self) -> bool:
        return self.kind in EMBASSY_LEVEL
