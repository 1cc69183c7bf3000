"""Typed dependencies: signatures read like prose and tests override one thing.

Every dependency here is `async def` although none awaits: FastAPI runs a plain `def`
dependency in a worker thread, one thread hop per dependency per request (a compose has a
dozen), which cost more than the compose itself. These only read loaded state and never block.

The hot ones (client IP, the letter context) read `request.app.state` through the plain
helpers below rather than through more dependencies: FastAPI walks every sub-dependency on
every request, cached or not, and that walk was the largest part of a compose request.
"""

from typing import Annotated

from fastapi import Depends, Request

from app.campaigns.registry import CampaignRegistry
from app.client_ip import client_ip
from app.db.database import Database
from app.directory.directory import Directory
from app.geo.resolve import Geo
from app.headers import header
from app.partners.deps import partner_of
from app.request_state import once_per_request
from app.resources import Resources
from app.services import Services
from app.settings import Settings


def services_of(request: Request) -> Services:
    """The loaded services (a plain function: see the module docstring)."""
    # `state[...]`, not `state.services`: Starlette's State keeps its values in a dict, so an
    # attribute read failed first (an AttributeError raised and caught in C), then ran
    # `State.__getattr__` in Python: ~5K instructions a read, ~1K this way.
    services: Services = request.app.state["services"]
    return services


async def get_services(request: Request) -> Services:
    return services_of(request)


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


async def get_geo(services: ServicesDep) -> Geo:
    return services.geo


async def get_directory(services: ServicesDep) -> Directory:
    return services.directory


async def get_campaigns(services: ServicesDep) -> CampaignRegistry:
    return services.campaigns


def client_ip_of(request: Request) -> str | None:
    """The client's address (X-Forwarded-For only from trusted proxies), once per request."""
    return once_per_request(request, "client_ip", lambda: _client_ip(request))


def _client_ip(request: Request) -> str | None:
    peer = request.client.host if request.client else None
    proxies = services_of(request).settings.trusted_proxies
    return client_ip(peer, header(request, "x-forwarded-for"), proxies)


async def get_client_ip(request: Request) -> str | None:
    return client_ip_of(request)


SettingsDep = Annotated[Settings, Depends(get_settings)]
GeoDep = Annotated[Geo, Depends(get_geo)]
DirectoryDep = Annotated[Directory, Depends(get_directory)]
CampaignsDep = Annotated[CampaignRegistry, Depends(get_campaigns)]
ClientIpDep = Annotated[str | None, Depends(get_client_ip)]


# --- Sending through the platform: the database, and the partner a request counts for ---


def resources_of(request: Request) -> Resources:
    """The open resources (a plain function: see the module docstring)."""
    resources: Resources = request.app.state["resources"]  # as in services_of
    return resources


async def get_resources(request: Request) -> Resources:
    return resources_of(request)


async def get_database(resources: Annotated[Resources, Depends(get_resources)]) -> Database:
    return resources.database


def partner_id_of(request: Request) -> str | None:
    """The partner a request is counted for (its X-API-Key); None for an anonymous request."""
    partner = partner_of(request)
    return partner.id if partner else None


async def get_partner_id(request: Request) -> str | None:
    return partner_id_of(request)


ResourcesDep = Annotated[Resources, Depends(get_resources)]
DatabaseDep = Annotated[Database, Depends(get_database)]
PartnerIdDep = Annotated[str | None, Depends(get_partner_id)]
