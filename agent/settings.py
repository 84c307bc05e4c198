"""Configuration from the environment (`SARTO_*`), behind a cached getter tests can reset."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_API_KEY = "dev-api-key"  # public: fine on a laptop, refused in production
DEFAULT_TOKEN_SECRET = "dev-token-secret-change-me-in-production-0123456789"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SARTO_", extra="ignore")

    # development: defaults allowed on loopback; production: refuses default secrets and keys;
    # evaluation: a client may set a turn's "now" without the API key (replayed scenarios).
    env: Literal["development", "production", "evaluation"] = "development"

    data_dir: Path = Field(default=Path("data"), description="SQLite file, Chroma index, images")
    database_url: str | None = Field(default=None, description="default: SQLite in data_dir")
    chroma_url: str | None = Field(default=None, description="Chroma server; default embedded")
    # several workers share runs, cancels and rate limits through Redis; unset: one process, in memory
    redis_url: str | None = Field(default=None, description="e.g. redis://127.0.0.1:6379/0")
    seed: int = 7
    seed_products: int = 2000
    host: str = "127.0.0.1"
    port: int = 8000

    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 20.0
    llm_max_tool_calls: int = 6
    turn_workers: int | None = Field(default=None, ge=1, le=64,
                                     description="turns run at once; default 2, or 16 with an LLM")

    # the weather a look is dressed for: the usual weather of the month (climate normals shipped in
    # tools/moment) unless an Open-Meteo-style forecast URL is set; a forecast slower than the
    # budget, failing or malformed falls back to the normals within the turn
    weather_url: str | None = Field(
        default=None, pattern=r"^https?://\S*$",
        description="forecast URL with {lat} and {lon}, e.g. https://api.open-meteo.com/v1/forecast?"
                    "latitude={lat}&longitude={lon}&daily=temperature_2m_max,temperature_2m_min,"
                    "precipitation_probability_max,precipitation_sum&timezone=Europe%2FRome")
    weather_budget_ms: int = Field(default=300, ge=20, le=5000)

    reservation_hold_minutes: int = 48 * 60
    # the link printed as a QR on a paper receipt nobody's card matched, `{code}` replaced by its
    # claim code: the retailer's app or site page that posts it to POST /v1/receipts/claim
    receipt_claim_url: str | None = Field(default=None, pattern=r"^https?://[^\s]*\{code\}[^\s]*$",
                                          description="e.g. https://shop.example/receipt?code={code}")
    api_key: str = Field(default=DEFAULT_API_KEY, description="the retailer backend's key")
    token_secret: str = Field(default=DEFAULT_TOKEN_SECRET)
    token_ttl_s: int = 900
    cors_origins: list[str] = []
    # the largest feed file `sarto import` or POST /v1/catalog/imports accepts
    import_max_mb: float = Field(default=512.0, gt=0, le=100_000)
    # proxies whose X-Forwarded-For / -Proto are believed (their addresses or networks); none by default
    trusted_proxies: list[str] = []

    @field_validator("weather_url")
    @classmethod
    def _names_the_place(cls, value: str | None) -> str | None:
        if value and ("{lat}" not in value or "{lon}" not in value):
            raise ValueError("SARTO_WEATHER_URL needs the {lat} and {lon} placeholders")
        return value or None

    @property
    def resolved_turn_workers(self) -> int:
        """A deterministic turn is CPU work under one GIL: more threads only queue behind it and add
        switching; an LLM turn mostly waits for the model, so many can overlap."""
        if self.turn_workers is not None:
            return self.turn_workers
        return 16 if self.llm_model else 2

    def unsafe_defaults(self) -> list[str]:
        """The secrets still at their public defaults (or too short to be secret)."""
        found = []
        if self.token_secret == DEFAULT_TOKEN_SECRET or len(self.token_secret) < 32:
            found.append("SARTO_TOKEN_SECRET (the default, or shorter than 32 characters)")
        if self.api_key == DEFAULT_API_KEY or len(self.api_key) < 16:
            found.append("SARTO_API_KEY (the default, or shorter than 16 characters)")
        return found

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'sarto.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
