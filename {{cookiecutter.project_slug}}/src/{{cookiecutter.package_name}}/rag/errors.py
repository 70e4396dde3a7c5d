"""Errors of the knowledge base, each with the HTTP status the API answers with.

Raised deep inside loaders, stores or providers; translated once, at the edge
(API error handler, CLI), into a clear message — never a traceback.
"""


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


class DependencyUnavailableError(KnowledgeBaseError):
    """A store or provider did not answer (down, unreachable, or locked by another process)."""

    status_code = 503


class LLMProviderError(KnowledgeBaseError):
    """The chat model failed: unreachable, refused the request, or broke off mid-answer."""

    status_code = 502
