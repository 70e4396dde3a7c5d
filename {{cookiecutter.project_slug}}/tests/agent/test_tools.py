"""Each tool on its own: typed input, safe behaviour, clear errors."""

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool

from {{ cookiecutter.package_name }}.agent.tools import REGISTRY, build_tools
from {{ cookiecutter.package_name }}.agent.tools.calculator import CalculatorError, calculate
from {{ cookiecutter.package_name }}.rag.errors import ConfigurationError


@pytest.mark.parametrize(
    ("expression", "value"),
    [("1 + 2 * 3", 7), ("(7 * 12) / 2", 42.0), ("2 ** 10", 1024), ("-3 // 2", -2), ("7 % 3", 1)],
)
def test_the_calculator_does_arithmetic(expression: str, value: float) -> None:
    assert calculate(expression) == value


@pytest.mark.parametrize(
    "attack",
    [
        "__import__('os').system('id')",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd').read()",
        "[x for x in range(10**9)]",
        "(lambda: 1)()",
        "a + 1",
        "'a' * 10",
        "True + True",
    ],
)
def test_the_calculator_refuses_code(attack: str) -> None:
    with pytest.raises(CalculatorError):
        calculate(attack)


@pytest.mark.parametrize("expression", ["9 ** 9 ** 9", "10 ** 400", "1 / 0", "(-8) ** 0.5", "1 +"])
def test_the_calculator_refuses_what_it_cannot_compute(expression: str) -> None:
    with pytest.raises(CalculatorError):
        calculate(expression)


def test_an_unknown_tool_in_the_allow_list_stops_startup() -> None:
    with pytest.raises(ConfigurationError, match="unknown tools \\['shell'\\]"):
        build_tools(["calculator", "shell"], services=None)  # type: ignore[arg-type]  # unused


def test_every_tool_shows_the_model_a_description_and_a_schema_without_internals() -> None:
    # Tools reach their services only when called: none are needed to build them.
    built = [factory(None) for factory in REGISTRY.values()]  # type: ignore[arg-type]
    for tool in built:
        function = convert_to_openai_tool(tool)["function"]  # what a provider is sent
        assert function["description"]
        assert function["parameters"]["type"] == "object"
        assert "runtime" not in function["parameters"].get("properties", {})
