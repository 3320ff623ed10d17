"""GET /api/health: liveness, no authentication."""

from fastapi import APIRouter

from kb.http.app import build_app, make_handler
from kb.models import ApiModel

router = APIRouter()


class Health(ApiModel):
    status: str


@router.get("/health", response_model=Health, tags=["health"])
def health() -> Health:
    return Health(status="ok")


app = build_app(router)
handler = make_handler(app)
