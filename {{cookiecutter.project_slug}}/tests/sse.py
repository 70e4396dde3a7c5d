"""Parse a Server-Sent Events body into (event, data) pairs, as a browser would."""

import json
from typing import Any


def parse_events(body: str) -> list[tuple[str, Any]]:
    """Events in order; `data` is decoded JSON (or the raw text when it is not JSON)."""
    events: list[tuple[str, Any]] = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                data.append(line.removeprefix("data:").removeprefix(" "))
        if data:
            text = "\n".join(data)
            try:
                events.append((name, json.loads(text)))
            except json.JSONDecodeError:
                events.append((name, text))
    return events
