"""Liveness and readiness."""

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlalchemy import text

from app.deps import DatabaseDep

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str = Field(examples=["ok"], description="`ok` when the answer is yes.")


@router.get("/healthz", summary="The process is up")
async def healthz() -> Health:
    """Answers as soon as the process serves requests."""
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="The service is ready to serve",
    responses={503: {"model": Health, "description": "The database is not reachable"}},
)
async def readyz(database: DatabaseDep, response: Response) -> Health:
    """Ready once the data is loaded (before serving) and the database answers."""
    try:
        async with database.sessions() as session:
            await session.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not ready", never a 500
        response.status_code = 503
        return Health(status="database unreachable")
    return Health(status="ok")
