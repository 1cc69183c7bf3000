"""Merging partial records over full ones: research at build time, overrides at start-up.

The two differ on purpose:

- Research *adds knowledge* (`merge_research`): a value fills or corrects a field, a list
  (e-mails, phones, accreditations) grows, sources accumulate, a note is appended, and only
  `rejected_emails` takes an address away. A null says "not found", never "erase".
- Overrides *correct what we serve* (`merge_override`): a field given replaces the shipped
  one, so `{"id": "ie-dublin-embassy", "emails": []}` retires every address.
"""

from collections.abc import Iterable
from copy import deepcopy
from typing import Any

Record = dict[str, Any]

_LISTS = ("emails", "phones", "also_accredited_to", "accredited_to")
_MAPS = ("email_roles", "source_dates")
# Research bookkeeping that does not belong in a served record.
_RESEARCH_ONLY = ("evidence", "_from", "rejected_emails", "set_aside_emails")
# The ministry's own word, set aside by research only for its age and the address's domain:
# a copy of the MFA's list of missions (mid.ru/bdomp/zu_r.nsf/straweb) as scraped in 2015-03.
# An official source with its date is a source (issue 8): such addresses are served, and
# `email_dates` says how old they are. The date is the scrape's, as the research recorded it.
OFFICIAL_DATED_SOURCES: dict[str, str] = {
    "github:a1essar/embassies-list-of-russia-parser/data.json": "2015-03",
}


def merge_research(base: Record | None, patch: Record) -> Record:
    """`patch` merged over `base` (None: a new record)."""
    merged: Record = deepcopy(base) if base is not None else {"id": patch["id"]}
    for key, value in patch.items():
        if key in _RESEARCH_ONLY or key == "id" or value is None:
            continue
        if key in _LISTS:
            merged[key] = _union(merged.get(key) or [], value)
        elif key in _MAPS:
            merged[key] = {**(merged.get(key) or {}), **value}
        elif key == "sources":
            merged["sources"] = merge_sources(merged.get("sources") or {}, value)
        elif key == "status_note":
            merged[key] = _append_note(merged.get(key), value, patch.get("verified_at"))
        else:
            merged[key] = value
    set_aside = patch.get("set_aside_emails") or []
    promoted = [e for e in set_aside if is_promoted(e)]
    for entry in promoted:
        _serve(merged, entry)
    # Other set-aside addresses were judged too weak to use (mock data, a private list, an
    # unsourced Wikidata value): like rejected ones, never served.
    _reject(merged, rejected_addresses(patch.get("rejected_emails"))
            | rejected_addresses([e for e in set_aside if e not in promoted]))
    return merged


def is_promoted(entry: Any) -> bool:
    """A set-aside address that an official, dated source shows: served, marked by its date."""
    return isinstance(entry, dict) and bool(entry.get("email")) and any(
        s in OFFICIAL_DATED_SOURCES for s in entry.get("sources") or [])


def _serve(record: Record, entry: dict[str, Any]) -> None:
    address = str(entry["email"])
    record["emails"] = _union(record.get("emails") or [], [address])
    record["sources"] = merge_sources(record.get("sources") or {},
                                      {"emails": {address: list(entry["sources"])}})


def merge_sources(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Union per fact; e-mail sources per address."""
    merged = deepcopy(base)
    for fact, value in extra.items():
        if fact == "emails" and isinstance(value, dict):
            emails = merged.setdefault("emails", {})
            if not isinstance(emails, dict):  # a flat list from an old file: start over
                emails = merged["emails"] = {}
            for address, sources in value.items():
                emails[address] = _union(emails.get(address, []), sources)
        else:
            merged[fact] = _union(merged.get(fact, []), value)
    return merged


def rejected_addresses(raw: Any) -> set[str]:
    """`rejected_emails` as a list of addresses, of `{email|address: ...}`, or a map."""
    if raw is None:
        return set()
    if isinstance(raw, dict):
        return {str(a).lower() for a in raw}
    found: set[str] = set()
    for item in raw:
        if isinstance(item, str):
            found.add(item.lower())
        elif isinstance(item, dict) and (item.get("email") or item.get("address")):
            found.add(str(item.get("email") or item.get("address")).lower())
    return found


def drop_emails(record: Record, addresses: set[str]) -> None:
    """Remove addresses (case-insensitive) from the list, the roles and their sources."""
    _reject(record, addresses)


def merge_override(base: Record, patch: Record) -> Record:
    """Fields given replace the shipped ones; `sources` is replaced fact by fact."""
    merged = deepcopy(base)
    for key, value in patch.items():
        if key == "sources" and isinstance(value, dict):
            merged["sources"] = {**(merged.get("sources") or {}), **deepcopy(value)}
        else:
            merged[key] = deepcopy(value)
    # An address retired by an override keeps no role or date (its sources stay, as history).
    emails = set(merged.get("emails") or [])
    for per_address in ("email_roles", "email_dates"):
        values = merged.get(per_address) or {}
        merged[per_address] = {a: v for a, v in values.items() if a in emails}
    return merged


def _reject(record: Record, addresses: set[str]) -> None:
    if not addresses:
        return
    record["emails"] = [a for a in record.get("emails") or [] if a.lower() not in addresses]
    for per_address in ("email_roles", "email_dates"):
        values = record.get(per_address) or {}
        record[per_address] = {a: v for a, v in values.items() if a.lower() not in addresses}
    sources = record.get("sources") or {}
    if isinstance(sources.get("emails"), dict):
        sources["emails"] = {
            a: s for a, s in sources["emails"].items() if a.lower() not in addresses
        }


def _union(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    """Both lists, in order, without repeats."""
    return list(dict.fromkeys([*first, *second]))


def _append_note(old: str | None, new: str, verified_at: Any) -> str:
    if not old:
        return new
    if new in old:  # a re-run of the same research
        return old
    stamp = f"Research ({verified_at})" if verified_at else "Research"
    return f"{old} | {stamp}: {new}"
