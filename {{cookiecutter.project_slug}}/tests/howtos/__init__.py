"""The how-tos of docs/, run as written: a page whose example stops working fails a test.

Each page's first Python block is the change it describes; the tests run that block as if
it were pasted into the module it names, then use the app as a user would.
"""

import re
from pathlib import Path
from types import ModuleType
from typing import Any

DOCS = Path(__file__).resolve().parents[2] / "docs"
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def doc_example(page: str, number: int = 0) -> str:
    """The Python block `number` (from 0) of docs/`page`."""
    blocks: list[str] = _PYTHON_BLOCK.findall((DOCS / page).read_text(encoding="utf-8"))
    assert len(blocks) > number, f"docs/{page} has no Python block {number}"
    return blocks[number]


def run_in(module: ModuleType, page: str, number: int = 0) -> dict[str, Any]:
    """Run a block of `page` as if appended to `module`, without changing the module's names.

    What the block registers goes into the module's registries: patch them first.
    """
    namespace = dict(vars(module))
    code = compile(doc_example(page, number), f"docs/{page}", "exec")
    exec(code, namespace)  # noqa: S102 - the project's own documentation, under test
    return namespace
