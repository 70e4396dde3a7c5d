"""The `{{ cookiecutter.project_slug }}` command: `serve` starts the API; later features add theirs."""

from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError

from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.settings import Settings, get_settings

app = typer.Typer(
    help="{{ cookiecutter.project_name }}: {{ cookiecutter.description }}",
    no_args_is_help=True,
    add_completion=False,
)


def load_settings() -> Settings:
    """Settings, or one readable line and exit code 2 when the configuration is invalid."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'settings'}: {error['msg']}"
            for error in exc.errors()
        )
        typer.secho(f"Invalid configuration: {problems}", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2) from None


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """{{ cookiecutter.project_name }} command line."""


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default: HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default: PORT).")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Start the HTTP API."""
    settings = load_settings()
    uvicorn.run(
        "{{ cookiecutter.package_name }}.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        log_level=settings.log_level.lower(),
    )
