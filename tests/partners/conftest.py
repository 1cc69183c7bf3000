"""Fixtures of the partners tests."""

import pytest

from app.services import Services
from app.settings import Settings

from .apps import Apps


@pytest.fixture
def apps(services: Services, app_settings: Settings) -> Apps:
    return Apps(services, app_settings)
