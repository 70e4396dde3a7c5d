#!/usr/bin/env python3
"""Write the options reference from the data it describes (`make docs` runs this).

Each fact comes from one place, so the reference cannot drift from the template:

- cookiecutter.json: the questions, their defaults (rendered, so derived ones show their
  value), their values and the prompt labels of each value;
- hooks/pre_gen_project.py: the length limits, the reserved package names and the answers
  that cannot go together (INCOMPATIBLE), as the hook enforces them;
- template-features.json: the files each answer brings;
- docs/options.toml: the only hand-written part, what each answer changes.

It rewrites the part of docs/options.md and of README.md between the marker comments;
tests/test_docs.py fails while the committed files differ from what this writes.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))  # run as a script, the hooks are not importable yet
import pre_gen_project as hook  # noqa: E402
from post_gen_project import load_manifest  # noqa: E402

TEXTS = ROOT / "docs" / "options.toml"
MANIFEST = ROOT / "{{cookiecutter.project_slug}}" / "template-features.json"
OPTIONS_DOC = ROOT / "docs" / "options.md"
README = ROOT / "README.md"
START = "<!-- options-reference:start -->"
END = "<!-- options-reference:end -->"
NOTICE = (
    "<!-- Written by scripts/options_reference.py from cookiecutter.json, docs/options.toml,\n"
    "     hooks/pre_gen_project.py and template-features.json: edit those, then `make docs`. -->"
)
# What {NAME} may insert into a rule of docs/options.toml.
HOOK_CONSTANTS = {
    "MAX_NAME_CHARS": str(hook.MAX_NAME_CHARS),
    "MAX_TITLE_CHARS": str(hook.MAX_TITLE_CHARS),
    "DEPENDENCY_NAMES": ", ".join(f"`{name}`" for name in sorted(hook.DEPENDENCY_NAMES)),
}


class OptionsTextError(ValueError):
    """docs/options.toml and the questions or the hook's rules disagree."""


@dataclass(frozen=True)
class Question:
    name: str
    prompt: str
    default: str
    derived: bool  # the default is computed from earlier answers
    values: list[str]  # empty for free text
    labels: dict[str, str]  # value -> prompt label
    rule: str
    effect: str
    details: str = ""
    files: dict[str, list[str]] = field(default_factory=dict)  # value -> paths


def load_questions() -> list[Question]:
    """Every question of cookiecutter.json, with its text from docs/options.toml."""
    raw: dict[str, Any] = json.loads((ROOT / "cookiecutter.json").read_text())
    # Rendered as `--no-input` would: derived defaults show their value (ai-app, ai_app).
    context = generate_context(context_file=str(ROOT / "cookiecutter.json"))
    defaults: Mapping[str, object] = prompt_for_config(context, no_input=True)
    prompts: dict[str, str | dict[str, str]] = raw.get("__prompts__", {})
    names = [name for name in raw if not name.startswith("_")]
    texts = load_texts(TEXTS, names)
    files = manifest_files()
    questions = []
    for name in names:
        spec, prompt = raw[name], prompts.get(name, name)
        values = [str(value) for value in spec] if isinstance(spec, list) else []
        labels = dict(prompt) if isinstance(prompt, dict) else {}
        text = texts[name]
        questions.append(
            Question(
                name=name,
                prompt=labels.pop("__prompt__", str(prompt)),
                default=str(defaults[name]),
                derived=isinstance(spec, str) and "{{" in spec,
                values=values,
                labels=labels,
                rule=text_rule(name, text.get("rule", "")) or choice_rule(name),
                effect=text["effect"],
                details=text.get("details", ""),
                files=files.get(name, {}),
            )
        )
    return questions


def load_texts(path: Path, names: list[str]) -> dict[str, dict[str, str]]:
    """docs/options.toml, checked: one entry per question, a rule exactly where the hook has one."""
    texts: dict[str, dict[str, str]] = tomllib.loads(path.read_text())
    problems = [
        f"{name}: not a question in cookiecutter.json" for name in texts if name not in names
    ]
    for name in names:
        text = texts.get(name, {})
        if not text.get("effect"):
            problems.append(f"{name}: no `effect`")
        if ("rule" in text) != (name in hook.RULES):
            has = "has a `rule`" if "rule" in text else "has no `rule`"
            checked = "checks it" if name in hook.RULES else "does not check it (a choice)"
            problems.append(f"{name}: {has}, but hooks/pre_gen_project.py {checked}")
        problems += [
            f"{name}: unknown key {key!r}" for key in text.keys() - {"rule", "effect", "details"}
        ]
    if problems:
        raise OptionsTextError(f"{path.name}: " + "; ".join(problems))
    return texts


def text_rule(name: str, rule: str) -> str:
    """A free-text rule of docs/options.toml with the hook's constants filled in."""
    try:
        return rule.format_map(HOOK_CONSTANTS)
    except KeyError as exc:
        raise OptionsTextError(f"options.toml: {name}: no hook constant {exc}") from None


def choice_rule(name: str) -> str:
    """One of the values, and none of the combinations INCOMPATIBLE refuses."""
    rule = "one of the values"
    for combination, _ in hook.INCOMPATIBLE:
        if name in combination:
            answers = " with ".join(f"`{key}={value}`" for key, value in combination.items())
            rule += f"; refused: {answers} ([why](#answers-that-cannot-go-together))"
    return rule


def manifest_files() -> dict[str, dict[str, list[str]]]:
    """template-features.json's paths by question and value, with `<package>` for the package."""
    return {
        name: {
            value: [path.replace("{{ cookiecutter.package_name }}", "<package>") for path in paths]
            for value, paths in by_value.items()
        }
        for name, by_value in load_manifest(MANIFEST).items()
    }


def also_needs(path: str, name: str, questions: list[Question]) -> str:
    """` (and with ...)` when other answers own the path or a folder it lies in."""
    owners = [
        f"`{q.name}={value}`"
        for q in questions
        if q.name != name
        for value, paths in q.files.items()
        if any(path == owned or path.startswith(f"{owned}/") for owned in paths)
    ]
    return f" (and with {', '.join(owners)})" if owners else ""


def code(text: str) -> str:
    return f"`{text}`"


def reference(questions: list[Question]) -> str:
    """docs/options.md: one section per question, then the refused combinations."""
    parts = []
    for q in questions:
        lines = [f"### `{q.name}`", "", f"Prompt: *{q.prompt}*", ""]
        if q.values:
            lines += ["| Value | Prompt label |", "| --- | --- |"]
            for value in q.values:
                default = " (default)" if value == q.default else ""
                lines.append(f"| `{value}`{default} | {q.labels.get(value, value)} |")
            lines.append("")
        else:
            lines += [f"- **Default:** `{q.default}`" + (" (derived)" if q.derived else "")]
        lines += [f"- **Rule:** {q.rule}", f"- **Changes:** {q.effect}"]
        for value, paths in q.files.items():
            listed = ", ".join(code(path) + also_needs(path, q.name, questions) for path in paths)
            lines.append(f"- **Only with `{q.name}={value}`:** {listed}")
        if q.details:
            lines += ["", q.details]
        parts.append("\n".join(lines) + "\n")
    refused = ["## Answers that cannot go together", "", "| Answers | Why |", "| --- | --- |"]
    for combination, why in hook.INCOMPATIBLE:
        answers = " with ".join(f"`{key}={value}`" for key, value in combination.items())
        refused.append(f"| {answers} | {why[0].upper()}{why[1:]} |")
    return "\n".join(parts) + "\n" + "\n".join(refused) + "\n"


def readme_table(questions: list[Question]) -> str:
    """README.md: one row per question."""
    rows = ["| Option | Values (first is the default) | What it changes |", "| --- | --- | --- |"]
    for q in questions:
        if q.values:
            values = ", ".join(map(code, q.values))
        elif q.derived:
            values = f"derived: `{q.default}`"
        else:
            values = "text"
        rows.append(f"| `{q.name}` | {values} | {q.effect} |")
    return "\n".join(rows) + "\n"


def replace_block(text: str, block: str, path: Path) -> str:
    """`text` with what lies between the markers replaced by the notice and `block`."""
    before, start, rest = text.partition(START)
    _, end, after = rest.partition(END)
    if not (start and end):
        raise OptionsTextError(f"{path.relative_to(ROOT)}: no {START} ... {END} markers")
    return f"{before}{START}\n{NOTICE}\n\n{block}{END}{after}"


def rendered_files() -> dict[Path, str]:
    """Each file the reference lives in, with the text it should have now."""
    questions = load_questions()
    return {
        path: replace_block(path.read_text(), block, path)
        for path, block in ((OPTIONS_DOC, reference(questions)), (README, readme_table(questions)))
    }


def main() -> int:
    try:
        files = rendered_files()
    except OptionsTextError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path, text in files.items():
        if path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
