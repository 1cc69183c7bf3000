"""Typed dependencies: signatures read like prose and tests override one thing."""

from typing import Annotated

from fastapi import Depends, Request

from app.campaigns.registry import CampaignRegistry
from app.client_ip import client_ip
from app.db.database import Database
from app.directory.directory import Directory
from app.geo.resolve import Geo
from app.partners.deps import PartnerDep
from app.resources import Resources
from app.services import Services
from app.settings import Settings


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_geo(services: ServicesDep) -> Geo:
    return services.geo


def get_directory(services: ServicesDep) -> Directory:
    return services.directory


def get_campaigns(services: ServicesDep) -> CampaignRegistry:
    return services.campaigns


def get_client_ip(
    request: Request, settings: Annotated[Settings, Depends(get_settings)]
) -> str | None:
    peer = request.client.host if request.client else None
    return client_ip(peer, request.headers.get("x-forwarded-for"), settings.trusted_proxies)


SettingsDep = Annotated[Settings, Depends(get_settings)]
GeoDep = Annotated[Geo, Depends(get_geo)]
DirectoryDep = Annotated[Directory, Depends(get_directory)]
CampaignsDep = Annotated[CampaignRegistry, Depends(get_campaigns)]
ClientIpDep = Annotated[str | None, Depends(get_client_ip)]


# --- Sending through the platform: the database, and the partner a request counts for ---


def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


def get_database(resources: Annotated[Resources, Depends(get_resources)]) -> Database:
    return resources.database


def get_partner_id(partner: PartnerDep) -> str | None:
    """The partner a request is counted for (its X-API-Key); None for an anonymous request."""
    return partner.id if partner else None


ResourcesDep = Annotated[Resources, Depends(get_resources)]
DatabaseDep = Annotated[Database, Depends(get_database)]
PartnerIdDep = Annotated[str | None, Depends(get_partner_id)]
