"""`calculator`: exact arithmetic for the model, which is bad at it.

The expression is parsed with `ast` and only numbers and arithmetic operators are
evaluated; names, calls, attributes and everything else are refused, so model-written
text (possibly steered by a document) can never run code. Never `eval`.
"""

import ast
import math
import operator
from collections.abc import Callable
from typing import Annotated

from langchain.tools import tool
from langchain_core.tools import BaseTool
from pydantic import Field

from {{ cookiecutter.package_name }}.agent.context import ToolServices

Number = int | float

MAX_EXPRESSION_CHARS = 200
MAX_EXPONENT = 1000  # 10 ** 1000 is fine; 9 ** 9 ** 9 would take the worker's memory
MAX_MAGNITUDE = 1e300

_BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Number], Number]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}


class CalculatorError(ValueError):
    """The expression is not plain arithmetic, or its result is out of range."""


def _check(value: Number) -> Number:
    if not isinstance(value, int | float):  # (-8) ** 0.5 is complex
        raise CalculatorError("The result is not a real number.")
    if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_MAGNITUDE:
        raise CalculatorError("The result is too large.")
    return value


def _evaluate(node: ast.AST) -> Number:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if isinstance(node.value, bool):  # True + True is Python, not arithmetic
            raise CalculatorError("Only numbers are allowed, not True or False.")
        return node.value
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise CalculatorError(f"Exponents are limited to {MAX_EXPONENT}.")
        try:
            return _check(_BINARY[type(node.op)](left, right))
        except ZeroDivisionError as error:
            raise CalculatorError("Division by zero.") from error
        except OverflowError as error:
            raise CalculatorError("The result is too large.") from error
    raise CalculatorError(
        "Only numbers, + - * / // % ** and parentheses are allowed, "
        f"not {type(node).__name__}."
    )


def calculate(expression: str) -> Number:
    """The value of an arithmetic expression, e.g. `(7 * 12) / 2`."""
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise CalculatorError(f"Expressions are limited to {MAX_EXPRESSION_CHARS} characters.")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise CalculatorError(f"Not an arithmetic expression: {expression!r}") from error
    return _evaluate(tree.body)


def build(services: ToolServices) -> BaseTool:
    @tool("calculator")
    def calculator(
        expression: Annotated[
            str,
            Field(max_length=MAX_EXPRESSION_CHARS, description="Arithmetic, e.g. (7 * 12) / 2"),
        ],
    ) -> str:
        """Evaluate an arithmetic expression exactly: + - * / // % ** and parentheses."""
        return str(calculate(expression))

    return calculator
