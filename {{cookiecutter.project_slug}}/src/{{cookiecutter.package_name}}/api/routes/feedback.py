"""Feedback: a thumbs up or down on an answer, kept to find the questions the app gets wrong."""

from fastapi import APIRouter, status

from {{ cookiecutter.package_name }}.api.deps import FeedbackStoreDep, TenantDep
from {{ cookiecutter.package_name }}.api.inputs import JSON, JSON_BODY
from {{ cookiecutter.package_name }}.schemas import FeedbackRequest, FeedbackResponse

router = APIRouter(
    prefix="/v1", tags=["feedback"], dependencies=[JSON_BODY], responses=JSON.responses
)


@router.post("/feedback", status_code=status.HTTP_201_CREATED)
def add_feedback(
    request: FeedbackRequest, store: FeedbackStoreDep, tenant: TenantDep
) -> FeedbackResponse:
    """Record a verdict on an answer, with the question, answer and citations the user saw.
    Thumbs-down ones become draft eval cases with the `feedback export` command."""
    return FeedbackResponse.model_validate(store.add(request, tenant))
