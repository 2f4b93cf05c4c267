"""Settings: one typed object read from the environment once, validated at start."""

from __future__ import annotations

import base64
import secrets
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Mode(StrEnum):
    DEMO = "demo"
    PRODUCTION = "production"
    TEST = "test"


class Settings(BaseSettings):
    """Everything the portal reads from its environment (`PORTAL_*`)."""

    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    mode: Mode = Mode.DEMO
    database_url: str | None = Field(default=None, description="postgresql://… ; absent: a SQLite file under var/")
    valkey_url: str | None = Field(default=None, description="redis:// or valkey:// ; absent: in-process memory")
    secret_key: str | None = Field(default=None, min_length=32, description="signs sessions, CSRF and emailed links")
    # Where emailed links point. Unset, it is the address the demo serves on, port included
    # (`PORT=8080 make demo` mails links to :8080); behind a proxy, set it to the public URL.
    base_url: str = "http://127.0.0.1:8000"
    # Encrypts SSO client secrets at rest (a Fernet key: 32 url-safe base64 bytes); absent: derived
    # from the secret key, so changing that key makes stored client secrets unreadable.
    sso_encryption_key: str | None = Field(default=None, description="Fernet key for SSO client secrets")
    # Outgoing calls (SSO providers, later webhooks) go to https on public addresses only; this
    # also lets them reach plain http on this machine. Unset: only in the demo, whose provider
    # runs on localhost.
    outgoing_allow_local_http: bool | None = None
    # Email domains of the seller's own people, beyond those of its members' emails: no customer
    # may route them to its single sign-on.
    seller_email_domains: list[str] = Field(default_factory=list)
    smtp_url: str | None = Field(
        default=None, description="smtp://user:pass@host:port ; absent: mail to the log and var/mail/"
    )
    smtp_from: str = "Portal <portal@hurtownia.example>"
    var_dir: Path = PROJECT_ROOT / "var"
    key_prefix: str = "portal"
    port: int = Field(default=8000, validation_alias=AliasChoices("PORT", "PORTAL_PORT"), ge=1, le=65535)
    # Failed logins: after the free attempts each next one waits twice as long as the last
    # (from login_delay_seconds up to login_max_delay_seconds), so a guesser is slowed and the
    # owner is never locked out. Counted per account and address, per account from addresses
    # it has not signed in from, and per address across accounts (an office shares one).
    login_attempts_per_account_and_address: int = Field(default=5, ge=1)
    login_attempts_per_account: int = Field(default=20, ge=1)
    login_attempts_per_address: int = Field(default=100, ge=1)
    login_delay_seconds: float = Field(default=1.0, gt=0)
    login_max_delay_seconds: float = Field(default=300.0, gt=0)
    # Failures are forgotten after this long without another.
    login_window_seconds: int = Field(default=900, ge=1)
    # Wrong API keys, per address, counted apart from logins.
    api_key_attempts_per_address: int = Field(default=10, ge=1)
    # A rotated API key's old value keeps working this long, so the integration can switch.
    api_key_rotation_grace_hours: int = Field(default=24, ge=0, le=24 * 90)
    # How often the ERP is expected to refresh each kind of data: the Integration page warns when
    # a scope's resources were last synchronised longer ago. None: no expectation.
    sync_cadence_stock_minutes: int | None = Field(default=5, ge=1)
    sync_cadence_prices_minutes: int | None = Field(default=15, ge=1)
    sync_cadence_catalog_minutes: int | None = Field(default=60, ge=1)
    # An order the ERP has not confirmed this long after it went to the seller shows "waiting for
    # confirmation" to its buyer and counts as overdue on the back office's queue.
    order_confirmation_expected_minutes: int = Field(default=30, ge=1)
    # The ERP neither pulled nor called for this long: the seller's people see a banner on every page.
    erp_silence_alert_minutes: int = Field(default=15, ge=1)
    # Published events stay in the feed this long, so an ERP away for a while can catch up.
    event_retention_days: int = Field(default=90, ge=90)
    # Reset emails per account and per address in a window.
    password_reset_requests_per_account: int = Field(default=3, ge=1)
    password_reset_requests_per_address: int = Field(default=10, ge=1)
    password_reset_window_seconds: int = Field(default=3600, ge=1)
    # argon2 runs in threads, at most this many at once, never on the event loop.
    password_hashing_concurrency: int = Field(default=1, ge=1)
    # A session ends after this long without a request, and in any case this long after login.
    session_idle_seconds: int = Field(default=12 * 3600, ge=60)
    session_lifetime_seconds: int = Field(default=24 * 3600, ge=60)
    token_max_age_seconds: int = 72 * 3600
    # An approval waiting this long is sent to its approvers again, and later to the company's
    # administrators.
    # The seller as its documents name it: invoices print its name, NIP and address, and where
    # customers pay (also encoded in the payment QR code).
    seller_bank_account: str = "PL61 1090 1014 0000 0712 1981 2874"
    seller_name: str = "Hurtex Sp. z o.o."
    seller_nip: str = "5250001233"
    seller_street: str = "ul. Składowa 12"
    seller_postal_code: str = "02-495"
    seller_city: str = "Warszawa"
    # An ERP may confirm a unit price above the ordered one by up to this share without asking
    # the buyer; above it the order waits for the buyer's consent.
    price_tolerance_percent: Decimal = Field(default=Decimal("2"), ge=0, le=1000, allow_inf_nan=False)
    # Where the back office's notices go (new orders, complaints, customers' messages); unset:
    # to every person with the back-office role.
    back_office_email: str | None = Field(default=None, description="the back office's shared mailbox")
    # A cart left with goods this long is signalled to the CRM (`cart.abandoned`).
    cart_abandoned_hours: int = Field(default=24, ge=1)
    approval_reminder_hours: int = Field(default=24, ge=1)
    approval_escalation_hours: int = Field(default=48, ge=1)
    worker_concurrency: int = Field(default=10, ge=1, description="jobs one worker runs at once")
    # Per uploaded file; an upload's request may carry this many of them.
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    upload_max_files: int = Field(default=6, ge=1)
    # Request bodies by kind of route (portal/web/limits.py): ordinary forms, the quick order's
    # paste or list file (a file over its 2 MB still gets the page's own message), one JSON document.
    form_max_bytes: int = Field(default=256 * 1024, ge=16 * 1024)
    paste_max_bytes: int = Field(default=4 * 1024 * 1024, ge=64 * 1024)
    api_max_bytes: int = Field(default=64 * 1024, ge=4 * 1024)
    # One batch of the integration API: up to 1,000 items, at most this much.
    api_batch_max_bytes: int = Field(default=5 * 1024 * 1024, ge=64 * 1024)
    # A file an ERP uploads to the import API (`POST /api/v1/imports`), with its mapping.
    import_max_bytes: int = Field(default=50 * 1024 * 1024, ge=64 * 1024)
    # Uploaded files' bytes, outside the web root; None keeps them in var_dir/files.
    files_dir: Path | None = None

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in {"postgresql", "postgres", "sqlite"}:
            raise ValueError("must start with postgresql:// or sqlite:///")
        return value

    @field_validator(
        "sync_cadence_stock_minutes", "sync_cadence_prices_minutes", "sync_cadence_catalog_minutes", mode="before"
    )
    @classmethod
    def _no_expectation_when_empty(cls, value: object) -> object:
        # `PORTAL_SYNC_CADENCE_STOCK_MINUTES=` (empty) switches that warning off.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("back_office_email", mode="before")
    @classmethod
    def _an_email(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip() or None
        if value is None:
            return None
        try:
            return validate_email(str(value), check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValueError("must be one email address, e.g. biuro@hurtownia.example") from None

    @field_validator("valkey_url")
    @classmethod
    def _known_store(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in {"redis", "valkey", "rediss", "valkeys"}:
            raise ValueError("must start with redis:// or valkey://")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _known_smtp(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in {"smtp", "smtps"}:
            raise ValueError("must start with smtp:// or smtps://")
        return value

    @field_validator("sso_encryption_key")
    @classmethod
    def _fernet_key(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                if len(base64.urlsafe_b64decode(value.encode())) != 32:
                    raise ValueError
            except ValueError:
                raise ValueError(
                    "must be 32 url-safe base64-encoded bytes; generate one with: python -c "
                    "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
                ) from None
        return value

    @field_validator("base_url")
    @classmethod
    def _absolute_base_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in {"http", "https"}:
            raise ValueError("must be an absolute http(s) URL, e.g. https://portal.example.com")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _base_url_follows_the_port(self) -> Settings:
        if "base_url" not in self.model_fields_set:
            self.base_url = f"http://127.0.0.1:{self.port}"
        return self

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> Settings:
        if self.mode is Mode.PRODUCTION and not self.secret_key:
            raise ValueError(
                "PORTAL_SECRET_KEY is required in production (at least 32 characters); "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return self

    @property
    def outgoing_allows_local_http(self) -> bool:
        if self.outgoing_allow_local_http is not None:
            return self.outgoing_allow_local_http
        return self.mode is Mode.DEMO

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "portal.sqlite3"

    def resolved_secret_key(self) -> str:
        """The configured key, or the demo's own key kept under var/ so sessions survive restarts."""
        if self.secret_key:
            return self.secret_key
        key_file = self.var_dir / "secret_key"
        if not key_file.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()


def load_settings() -> Settings:
    return Settings()
