"""`current_time`: the date and time now, so the model need not guess what "today" is."""

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from langchain.tools import tool
from langchain_core.tools import BaseTool
from pydantic import Field

from {{ cookiecutter.package_name }}.agent.context import ToolServices


def build(services: ToolServices) -> BaseTool:
    @tool("current_time")
    def current_time(
        timezone: Annotated[
            str, Field(max_length=64, description="An IANA zone, e.g. Europe/Paris.")
        ] = "UTC",
    ) -> str:
        """The current date and time (ISO 8601) and weekday in a time zone."""
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"Unknown time zone {timezone!r}; use an IANA name.") from error
        now = datetime.now(zone)
        return f"{now.isoformat(timespec='seconds')} ({now:%A}, {timezone})"

    return current_time
