"""The LETTERS_* settings: built once, injected everywhere, read nowhere else."""

from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.partners.limit_spec import check_rate_limit
from app.partners.origins import normalize_origins

ROOT = Path(__file__).resolve().parent.parent
# Development only: production sets LETTERS_KEY_SECRET (see README, "Partners").
DEV_KEY_SECRET = "development-only-letters-key-secret"


def comma_list(value: str) -> list[str]:
    """The items of a comma-separated setting, trimmed, empty ones dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


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
    public_url: str = Field(
        "http://localhost:8000", description="Base URL used in links inside e-mails."
    )

    # Sending through the platform
    database_url: str = Field(
        "sqlite+aiosqlite:///./letters.db",
        description="SQLAlchemy URL (sqlite+aiosqlite:/// or postgresql+asyncpg://).",
    )
    email_provider: Literal[
        "console", "smtp", "postmark", "sendgrid", "mailgun", "ses", "resend"
    ] = Field("console", description="Who delivers the e-mail.")
    console_outbox: Path = Field(
        Path("outbox"), description="Folder where the console provider writes .eml files."
    )
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout: float = Field(30.0, description="Seconds for an SMTP conversation.")
    smtp_max_unanswered: int = Field(
        2, ge=1, description="Messages per worker whose end of data may await the relay's "
        "answer at once: the most a crash can send twice.",
    )
    from_email: str = Field("letters@localhost", description="The platform's sender address.")
    from_name: str = Field("Embassy Letters", description="The platform's sender name.")
    require_confirmation: bool = Field(True, description="Double opt-in before sending.")
    redirect_all_to: str | None = Field(
        None, description="Staging: every embassy-bound e-mail goes here instead."
    )
    embassy_daily_limit: int | None = Field(
        None, ge=1, description="Letters per embassy address per day, across all campaigns."
    )
    embassy_office_hours_only: bool = Field(
        False, description="Deliver to embassies only 09:00-18:00 Mon-Fri in their time zone."
    )
    retention_days: int = Field(30, ge=0, description="Days a sent letter keeps personal data.")
    email_dated_after_years: int = Field(
        5, ge=0, description="An embassy address whose newest source is older than this many "
        "years is dated: compose warns, recent addresses are preferred."
    )
    send_to_dated_emails: bool = Field(
        False, description="Let the platform send to a dated address off the ministry's "
        "domain (mid.ru); by default such a letter is refused (422 email-dated)."
    )
    confirmation_ttl_hours: int = Field(48, ge=1, description="Hours to confirm a letter.")
    worker_in_process: bool = Field(True, description="Run the delivery worker inside `serve`.")
    worker_concurrency: int = Field(32, ge=1, description="Letters one worker sends at once.")
    max_attempts: int = Field(8, ge=1, description="Sending attempts before a letter fails.")
    # --- send-core: worker timing ---
    worker_poll_seconds: float = Field(
        1.0, gt=0, description="How often an idle worker looks for due e-mails."
    )
    worker_lease_seconds: float = Field(
        120.0, gt=0,
        description="How long a claimed e-mail stays a worker's; longer than any one send. "
        "A worker that dies mid-send leaves its e-mails to others after this.",
    )
    acceptance_ledger: str = Field(
        "auto", min_length=1,
        description="PostgreSQL: the local file where a worker also records each provider's "
        "acceptance the moment it comes (ids only; shared by this machine's workers), so one "
        "killed and restarted here sends none again. `auto`: in the temp folder, named after "
        "the database; `off`: on the outbox row only. SQLite keeps it beside its file.",
    )
    sweep_interval_seconds: float = Field(
        60.0, gt=0, description="How often the worker erases expired and retained letters."
    )
    counters_flush_seconds: float = Field(
        10.0, gt=0, description="How often in-memory compose counts are written."
    )
    # Provider credentials; `*_base_url` points an adapter at another server (tests, EU regions).
    provider_timeout: float = Field(10.0, description="Seconds for one provider API call.")
    postmark_server_token: SecretStr | None = None
    postmark_base_url: str = "https://api.postmarkapp.com"
    postmark_webhook_username: str | None = None
    postmark_webhook_password: SecretStr | None = None
    sendgrid_api_key: SecretStr | None = None
    sendgrid_base_url: str = "https://api.sendgrid.com"
    sendgrid_webhook_public_key: str | None = Field(
        None, description="Base64 ECDSA public key of SendGrid's signed event webhook."
    )
    mailgun_api_key: SecretStr | None = None
    mailgun_domain: str | None = None
    mailgun_base_url: str = "https://api.mailgun.net"
    mailgun_webhook_signing_key: SecretStr | None = None
    ses_access_key_id: str | None = None
    ses_secret_access_key: SecretStr | None = None
    ses_region: str = "eu-west-1"
    ses_base_url: str | None = Field(
        None, description="Default: https://email.{region}.amazonaws.com"
    )
    ses_configuration_set: str | None = None
    ses_webhook_secret: SecretStr | None = Field(
        None, description="Shared secret in the SNS subscription URL (?secret=...)."
    )
    ses_sns_topic_arns: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated SNS topic ARNs whose messages the SES webhook takes "
        "(it needs these or the URL secret; every message's SNS signature is checked too)."
    )
    resend_api_key: SecretStr | None = None
    resend_base_url: str = "https://api.resend.com"
    resend_webhook_secret: SecretStr | None = Field(
        None, description="Svix signing secret whsec_..."
    )

    # --- Partners and embedding (app/partners) ---------------------------------------------
    key_secret: SecretStr = Field(
        SecretStr(DEV_KEY_SECRET),
        description="HMAC secret for stored API key digests; set it in production, the same "
        "on every replica and for the CLI (changing it invalidates every key).",
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated origins allowed besides the partners' own."
    )
    rate_limit_compose: str = Field(
        "60/minute",
        description="Per client IP: POST /v1/letters/compose, /v1/letters/pdf and "
        "GET /v1/letters/{id}/pdf.",
    )
    rate_limit_send: str = Field("5/hour", description="Per client IP: POST /v1/letters.")
    rate_limit_partner: str = Field(
        "600/minute", description="Per partner key, unless the partner has its own limit."
    )
    redis_url: str | None = Field(
        None, description="redis://host:port/db: rate limits shared across replicas."
    )
    redis_prefix: str = Field("letters", description="Prefix of every key written to Redis.")
    partners_refresh_seconds: float = Field(
        5.0, gt=0, description="How often the in-memory partner table is reloaded."
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = comma_list(value)
        return normalize_origins(list(value)) if isinstance(value, list | tuple) else value

    @field_validator("ses_sns_topic_arns", mode="before")
    @classmethod
    def _split_topics(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(comma_list(value))
        return value

    @field_validator("rate_limit_compose", "rate_limit_send", "rate_limit_partner")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        return check_rate_limit(value)

    # --- end partners -------------------------------------------------------------------------

    # Operations (ops): logs and request body limits
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Least severe log level written."
    )
    log_format: Literal["json", "console"] = Field(
        "json", description="`json`: one object a line; `console`: for a terminal."
    )
    max_body_bytes: int = Field(
        65536, ge=1024, description="Largest request body; larger ones get 413 unread."
    )
    worker_metrics_port: int | None = Field(
        None, ge=1, le=65535, description="`python -m app worker` serves /metrics on this port."
    )
    max_webhook_body_bytes: int = Field(
        1048576, ge=1024, description="Largest body on /v1/webhooks/ (providers post batches)."
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [ip_network(p, strict=False) for p in comma_list(value)]
        return value
