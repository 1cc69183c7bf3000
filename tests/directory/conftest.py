"""Fixtures: the shipped directory and the real gazetteer, loaded once per run."""

from pathlib import Path

import pytest

from app.directory.directory import Directory
from app.geo.gazetteer import Gazetteer

from .factory import SHIPPED


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="session")
def directory() -> Directory:
    return Directory.load(SHIPPED)


@pytest.fixture
def shipped() -> Path:
    return SHIPPED
