"""Dependencies that routes declare by type, e.g. `settings: SettingsDep`."""

from typing import Annotated

from fastapi import Depends, Request

from {{ cookiecutter.package_name }}.settings import Settings


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with (tests pass their own to `create_app`)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
