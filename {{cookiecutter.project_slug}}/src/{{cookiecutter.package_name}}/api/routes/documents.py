"""Documents: upload (one or many files), list, inspect, delete."""

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse

from {{ cookiecutter.package_name }}.api.deps import KnowledgeBaseDep, SettingsDep, TenantDep
from {{ cookiecutter.package_name }}.api.errors import DEPENDENCY_ERRORS, error_doc
from {{ cookiecutter.package_name }}.api.inputs import MULTIPART_BODY, IdPath
from {{ cookiecutter.package_name }}.api.middleware import request_id_of
from {{ cookiecutter.package_name }}.rag.errors import FileTooLargeError
from {{ cookiecutter.package_name }}.rag.loaders import LOADERS
from {{ cookiecutter.package_name }}.schemas import (
    DeleteResponse,
    DocumentInfo,
    DocumentList,
    ErrorDetail,
    ErrorResponse,
    IngestFileResult,
    IngestResponse,
)

router = APIRouter(prefix="/v1/documents", tags=["documents"])
SUPPORTED = " ".join(sorted(LOADERS))  # the file types rag/loaders.py registers


@router.post(
    "",
    response_model=IngestResponse,
    dependencies=[MULTIPART_BODY],
    responses={
        413: error_doc("Too many files, or every file was over MAX_UPLOAD_BYTES."),
        415: error_doc("Every file was of an unsupported type, or the body not multipart."),
        422: error_doc("Every file was empty, unreadable or badly named."),
        **DEPENDENCY_ERRORS,
    },
)
def upload_documents(
    request: Request,
    files: Annotated[list[UploadFile], File(description=f"One or more files: {SUPPORTED}")],
    kb: KnowledgeBaseDep,
    settings: SettingsDep,
    tenant: TenantDep,
) -> IngestResponse | JSONResponse:
    """Ingest files. Each gets its own result; one bad file does not stop the others.

    Answers 200 when at least one file went in (or was unchanged); when every file
    failed, answers with the first failure's status (413, 415 or 422) and the results.
    """
    if len(files) > settings.max_files_per_upload:
        raise FileTooLargeError(
            f"{len(files)} files in one upload; the limit is {settings.max_files_per_upload} "
            "(MAX_FILES_PER_UPLOAD)"
        )
    uploads = [_read(upload, settings.max_upload_bytes) for upload in files]
    results = kb.ingest_many(uploads, tenant=tenant)
    body = IngestResponse(results=[IngestFileResult.model_validate(r) for r in results])
    failures = [r for r in results if r.status == "failed"]
    if results and len(failures) == len(results):
        error = ErrorDetail(
            message=f"No file was ingested: {failures[0].error}",
            type="ingest_failed",
            request_id=request_id_of(request.scope),
            details=[r.model_dump() for r in body.results],
        )
        return JSONResponse(ErrorResponse(error=error).model_dump(), failures[0].status_code)
    return body


def _read(upload: UploadFile, limit: int) -> tuple[str, bytes]:
    """The file's name and bytes; reads one byte past the limit so oversize is detected
    without holding an arbitrarily large upload in memory."""
    return upload.filename or "unnamed", upload.file.read(limit + 1)


@router.get("")
def list_documents(kb: KnowledgeBaseDep, tenant: TenantDep) -> DocumentList:
    return DocumentList(
        documents=[DocumentInfo.model_validate(record) for record in kb.documents(tenant)]
    )


@router.get("/{document_id}", responses={404: error_doc("No such document.")})
def get_document(document_id: IdPath, kb: KnowledgeBaseDep, tenant: TenantDep) -> DocumentInfo:
    return DocumentInfo.model_validate(kb.document(document_id, tenant))


@router.delete("/{document_id}", responses={404: error_doc("No such document.")})
def delete_document(document_id: IdPath, kb: KnowledgeBaseDep, tenant: TenantDep) -> DeleteResponse:
    """Delete the document and every one of its chunks."""
    return DeleteResponse(document_id=document_id, deleted_chunks=kb.delete(document_id, tenant))
