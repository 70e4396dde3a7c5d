"""Errors of the knowledge base, each with the HTTP status the API answers with.

Raised deep inside loaders, stores or providers; translated once, at the edge
(API error handler, CLI), into a clear message — never a traceback.
"""

from typing import Literal


class KnowledgeBaseError(Exception):
    """Base class; `str(error)` is a sentence a user can act on."""

    status_code = 500


class UnsupportedFileTypeError(KnowledgeBaseError):
    status_code = 415


class UnreadableDocumentError(KnowledgeBaseError):
    """The file is corrupt, encrypted, or not what its extension says."""

    status_code = 422


class InvalidFileNameError(KnowledgeBaseError):
    """The file name is absolute, climbs out with `..`, or holds control characters."""

    status_code = 422


class EmptyDocumentError(KnowledgeBaseError):
    """The file holds no text to index."""

    status_code = 422


class FileTooLargeError(KnowledgeBaseError):
    status_code = 413


class DocumentNotFoundError(KnowledgeBaseError):
    status_code = 404


class ConfigurationError(KnowledgeBaseError):
    """Settings that cannot work together, e.g. a provider without its key or package."""

    status_code = 500


class IndexMismatchError(KnowledgeBaseError):
    """The store was built with other embeddings than the ones configured now."""

    status_code = 409


# The services behind the app, as error bodies and /readyz name them.
Dependency = Literal["llm", "embeddings", "vector_store"]


class DependencyError(KnowledgeBaseError):
    """A service the app depends on failed; `dependency` says which one.

    This base class (502) is a refusal or a broken answer: retrying would not help.
    """

    status_code = 502

    def __init__(self, message: str, dependency: Dependency) -> None:
        super().__init__(message)
        self.dependency = dependency


class DependencyUnavailableError(DependencyError):
    """Down, unreachable, overloaded (429 or 5xx after retries), or locked by another process."""

    status_code = 503


class DependencyTimeoutError(DependencyUnavailableError):
    """No answer within its timeout, after retries."""

    status_code = 504
