"""The command line as a module: `python -m {{ cookiecutter.package_name }}`
runs the same CLI as the `{{ cookiecutter.project_slug }}` command."""

from {{ cookiecutter.package_name }}.cli import app

app()
