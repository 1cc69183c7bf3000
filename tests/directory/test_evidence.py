"""Every e-mail the shipped directory serves is re-checked against the quoted source text the
research kept, so a typo in an address (or an address with no quote behind it) cannot slip in."""

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from app.directory.build import DEFAULT_MISSIONS, ROOT
from app.directory.merge import is_promoted

DIRECTORY = ROOT / "data" / "embassies.json"
RESEARCH = ROOT / "data" / "research"


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _plain(quote: str) -> str:
    """Pages write "media.austria @ mid.ru" against harvesting; the address is the same."""
    return re.sub(r"\s*@\s*", "@", quote).lower()


def _quotes() -> dict[tuple[str, str], list[str]]:
    """(record id, address) -> every quote that shows it, from both kinds of research."""
    quotes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for found in _read(DEFAULT_MISSIONS / "emails-found.json"):
        quotes[(found["mission"], found["email"].lower())].append(found.get("evidence") or "")
    for path in sorted(RESEARCH.glob("*.json")):
        for patch in _read(path):
            emails = (patch.get("evidence") or {}).get("emails") or {}
            for address, quote in emails.items():
                quotes[(patch["id"], address.lower())].append(quote or "")
            # Served as dated: the official 2015 list's quote stands behind the address.
            for entry in filter(is_promoted, patch.get("set_aside_emails") or []):
                quotes[(patch["id"], entry["email"].lower())].append(entry.get("evidence") or "")
    return quotes


def _listed() -> set[tuple[str, str]]:
    """(record id, address) that a research file puts in `emails` itself."""
    patches = [p for path in sorted(RESEARCH.glob("*.json")) for p in _read(path)]
    return {(p["id"], a.lower()) for p in patches if "id" in p for a in p.get("emails") or []}


def _set_aside() -> list[tuple[str, dict[str, Any]]]:
    return [(patch["id"], entry) for path in sorted(RESEARCH.glob("*.json"))
            for patch in _read(path) for entry in patch.get("set_aside_emails") or []
            if isinstance(entry, dict)]


def _served() -> list[tuple[str, str]]:
    return [(r["id"], e) for r in _read(DIRECTORY) for e in r["emails"]]


def _bounced() -> set[str]:
    return {f["email"].lower() for f in _read(DEFAULT_MISSIONS / "emails-found.json")
            if f.get("bounced")}


@pytest.fixture(scope="module")
def quotes() -> dict[tuple[str, str], list[str]]:
    return _quotes()


def test_the_directory_serves_e_mail_addresses() -> None:
    assert len(_served()) >= 30  # the figure today: a failing build would ship none


@pytest.mark.parametrize(("record_id", "address"), _served())
def test_each_address_is_spelled_as_its_source_quotes_it(
    quotes: dict[tuple[str, str], list[str]], record_id: str, address: str
) -> None:
    shown = quotes.get((record_id, address.lower()), [])
    assert any(address.lower() in _plain(quote) for quote in shown), (
        f"{record_id}: no kept quote contains {address!r}")


def test_no_bounced_address_is_served() -> None:
    served = {address.lower() for _, address in _served()}
    assert not served & _bounced()


def test_only_addresses_set_aside_for_their_age_are_served() -> None:
    """Promoted: the MFA's own 2015 list, set aside only as old and off the ministry's domain.
    Kept out: mock data, a private mailing list, an unsourced Wikidata value."""
    served = {(record_id, address.lower()) for record_id, address in _served()}
    promoted = [(i, e) for i, e in _set_aside() if is_promoted(e)]
    kept_out = [(i, e) for i, e in _set_aside() if not is_promoted(e)]
    assert len(promoted) >= 100 and len(kept_out) >= 4
    for record_id, entry in promoted:
        assert str(entry["why"]).startswith("only in the MFA's own list of missions"), entry
        bounced = entry["email"].lower() in _bounced()
        assert ((record_id, entry["email"].lower()) in served) is not bounced
    listed = _listed()  # a later research file may add the address with its own source
    for record_id, entry in kept_out:
        key = (record_id, entry["email"].lower())
        assert key not in served or key in listed, entry


def test_every_promoted_address_carries_its_sources_date() -> None:
    records = {r["id"]: r for r in _read(DIRECTORY)}
    for record_id, entry in _set_aside():
        record = records.get(record_id)
        if is_promoted(entry) and record and entry["email"] in record["emails"]:
            assert record["email_dates"][entry["email"]] >= "2015", (record_id, entry)
