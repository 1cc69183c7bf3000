"""The real data, loaded once per test run (~0.3 s)."""

import pytest

from app.geo.gazetteer import Gazetteer
from app.geo.resolve import Geo


@pytest.fixture(scope="session")
def geo() -> Geo:
    return Geo.load()


@pytest.fixture(scope="session")
def gazetteer(geo: Geo) -> Gazetteer:
    return geo.gazetteer
