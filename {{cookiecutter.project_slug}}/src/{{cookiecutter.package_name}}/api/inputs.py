"""Checks on what a request sends, made before a route does any work, so that a body of
the wrong media type or an id that cannot exist gets a clear 4xx, not a puzzling 422 or a
store error."""

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request

from {{ cookiecutter.package_name }}.api.errors import error_doc
from {{ cookiecutter.package_name }}.schemas import ID_PATTERN

IdPath = Annotated[str, Path(pattern=ID_PATTERN, description="32 hex digits, as listed.")]


class RequireMediaType:
    """415 when a request declares a body of another media type than the route reads.

    Without it FastAPI validates, say, JSON sent as text/plain as raw bytes and answers
    "Input should be a valid dictionary". A body without a Content-Type is left to FastAPI
    (it reads it as JSON, as curl users expect).
    """

    def __init__(self, media_type: str) -> None:
        self.media_type = media_type
        self.responses: dict[int | str, dict[str, Any]] = {
            415: error_doc(f"The body is not {media_type} (Content-Type).")
        }

    def __call__(self, request: Request) -> None:
        declared = request.headers.get("content-type")
        if declared is None:
            return
        media_type = declared.partition(";")[0].strip().lower()
        json_suffix = self.media_type == "application/json" and media_type.endswith("+json")
        if media_type != self.media_type and not json_suffix:
            raise HTTPException(
                415,
                f"The body must be {self.media_type}, not {media_type or 'empty'}: "
                "set the Content-Type header.",
            )


JSON = RequireMediaType("application/json")
MULTIPART = RequireMediaType("multipart/form-data")
JSON_BODY = Depends(JSON)
MULTIPART_BODY = Depends(MULTIPART)
