"""All run-time configuration, read once from the environment and `.env`.

One `Settings` object; every module receives it (the API through `SettingsDep`),
none reads `os.environ` itself. Unsafe combinations for production are refused
here, at startup, with one clear message, rather than discovered under load.
"""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Environment = Literal["development", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class Settings(BaseSettings):
    """Settings of {{ cookiecutter.project_name }}; each field is an environment variable."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = "development"
    app_name: str = "{{ cookiecutter.project_name }}"
    data_dir: Path = Field(
        default=Path(".data"), description="Where everything the app stores locally lives."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: LogLevel = "INFO"
    # Comma-separated in the environment: CORS_ORIGINS=https://a.example,https://b.example
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        if self.environment == "production" and "*" in self.cors_origins:
            raise ValueError(
                "CORS_ORIGINS='*' is refused when ENVIRONMENT=production: list the allowed origins"
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached: the environment is read once)."""
    return Settings()
