"""HTTP for the directory: parse, call the service, shape the answer."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import ClientIpDep, DirectoryDep, GeoDep
from app.directory import service
from app.directory.models import Embassy, Kind
from app.directory.policy import PolicyKind
from app.directory.schemas import NearestResponse
from app.geo.locate import LocationQuery
from app.problems import responses

router = APIRouter(prefix="/embassies", tags=["embassies"])

CountryQuery = Annotated[
    str | None,
    Query(
        min_length=2,
        max_length=2,
        pattern=r"^[A-Za-z]{2}$",
        description="ISO 3166-1 alpha-2",
        examples=["DE"],
    ),
]


@router.get("", summary="List the directory", responses=responses(422))
async def list_embassies(
    directory: DirectoryDep,
    country: CountryQuery = None,
    kind: Annotated[Kind | None, Query(examples=["embassy"])] = None,
) -> list[Embassy]:
    """Every mission matching the filters, closed ones included with their status."""
    return service.list_embassies(directory, country, kind)


@router.get("/nearest", summary="Where should this person write?", responses=responses(422))
async def nearest(
    geo: GeoDep,
    directory: DirectoryDep,
    ip: ClientIpDep,
    lat: Annotated[float | None, Query(ge=-90, le=90, examples=[47.5584])] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180, examples=[7.5733])] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            examples=["München"],
            description="A free-text place in any script",
        ),
    ] = None,
    country: CountryQuery = None,
    city: Annotated[str | None, Query(min_length=1, max_length=200, examples=["Basel"])] = None,
    kind: Annotated[
        PolicyKind,
        Query(description="`embassy`: the policy's pick first; `any`: consulates too, by distance"),
    ] = "embassy",
    limit: Annotated[int, Query(ge=1, le=20)] = 3,
) -> NearestResponse:
    """From `lat`+`lon`, else `q`, else `country` (+ `city`), else the client's IP address."""
    query = LocationQuery(lat=lat, lon=lon, q=q, country=country, city=city, ip=ip)
    return service.nearest(geo, directory, query, kind, limit)


@router.get("/{embassy_id}", summary="One mission", responses=responses(404))
async def get_embassy(directory: DirectoryDep, embassy_id: str) -> Embassy:
    """One mission by its stable id, e.g. `ch-bern-embassy`."""
    return directory.get(embassy_id)
