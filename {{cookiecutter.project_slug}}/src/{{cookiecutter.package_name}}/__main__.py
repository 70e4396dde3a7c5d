"""`python -m {{ cookiecutter.package_name }}` runs the same CLI as `{{ cookiecutter.project_slug }}`."""

from {{ cookiecutter.package_name }}.cli import app

app()
