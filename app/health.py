"""Liveness and readiness."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str = Field(examples=["ok"], description="`ok` when the answer is yes.")


@router.get("/healthz", summary="The process is up")
async def healthz() -> Health:
    """Answers as soon as the process serves requests."""
    return Health(status="ok")


@router.get("/readyz", summary="The service is ready to serve")
async def readyz() -> Health:
    """Ready once the directory, gazetteer and campaigns are loaded (they load before serving)."""
    return Health(status="ok")
