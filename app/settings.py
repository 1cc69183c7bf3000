"""The LETTERS_* settings: built once, injected everywhere, read nowhere else."""

from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LETTERS_", extra="ignore")

    directory_path: Path = Field(
        ROOT / "data" / "embassies.json", description="The shipped embassy directory."
    )
    directory_overrides: Path | None = Field(
        None, description="A JSON file of partial embassy records merged over the directory."
    )
    templates_path: Path = Field(
        ROOT / "templates" / "letters", description="Campaign folders (campaign.toml + texts)."
    )
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated addresses or networks whose X-Forwarded-For is believed.",
    )
    public_url: str = Field("http://localhost:8000", description="Base URL used in links.")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [ip_network(p.strip(), strict=False) for p in value.split(",") if p.strip()]
        return value
