"""The options reference (docs/options.md, the README's table) says what the template does."""

from __future__ import annotations

from pathlib import Path

import pre_gen_project as hook
import pytest

from scripts import options_reference as generator
from tests.combinations import ROOT, questions


def test_committed_reference_is_what_the_generator_writes() -> None:
    stale = [
        str(path.relative_to(ROOT))
        for path, text in generator.rendered_files().items()
        if path.read_text() != text
    ]

    assert stale == [], f"{', '.join(stale)} out of date: run `make docs` and commit the result"


def test_every_question_is_documented_in_both_places() -> None:
    names = [name for name in questions() if not name.startswith("_")]
    options_doc = (ROOT / "docs" / "options.md").read_text()
    readme = (ROOT / "README.md").read_text()

    assert [name for name in names if f"### `{name}`" not in options_doc] == []
    assert [name for name in names if f"| `{name}` |" not in readme] == []


def test_every_refused_combination_and_reserved_name_is_listed() -> None:
    options_doc = (ROOT / "docs" / "options.md").read_text()

    for combination, _ in hook.INCOMPATIBLE:
        answers = " with ".join(f"`{key}={value}`" for key, value in combination.items())
        assert f"| {answers} |" in options_doc
    assert all(f"`{name}`" in options_doc for name in hook.DEPENDENCY_NAMES)


def test_derived_defaults_show_their_rendered_value() -> None:
    by_name = {question.name: question for question in generator.load_questions()}

    assert (by_name["project_slug"].default, by_name["project_slug"].derived) == ("ai-app", True)
    assert by_name["package_name"].default == "ai_app"
    assert by_name["vector_store"].default == "chroma"


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("[nonsense]\neffect = 'x'\n", "nonsense: not a question in cookiecutter.json"),
        ("", "project_name: no `effect`"),
        ("[license]\neffect = 'x'\nrule = 'y'\n", "license: has a `rule`, but"),
        ("[version]\neffect = 'x'\n", "version: has no `rule`, but"),
        ("[ci]\neffect = 'x'\nnote = 'y'\n", "ci: unknown key 'note'"),
    ],
)
def test_options_text_must_match_the_questions_and_the_hook(
    tmp_path: Path, toml: str, problem: str
) -> None:
    texts = tmp_path / "options.toml"
    texts.write_text(toml)
    names = [name for name in questions() if not name.startswith("_")]

    with pytest.raises(generator.OptionsTextError, match=r"^options\.toml: ") as error:
        generator.load_texts(texts, names)

    assert problem in str(error.value)


def test_a_rule_may_only_name_a_constant_of_the_hook() -> None:
    assert generator.text_rule("x", "at most {MAX_NAME_CHARS}") == f"at most {hook.MAX_NAME_CHARS}"
    with pytest.raises(generator.OptionsTextError, match="x: no hook constant 'NOPE'"):
        generator.text_rule("x", "{NOPE}")


def test_a_file_without_markers_is_refused() -> None:
    with pytest.raises(generator.OptionsTextError, match="no <!-- options-reference:start -->"):
        generator.replace_block("# no markers\n", "block\n", ROOT / "README.md")
