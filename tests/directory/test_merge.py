"""Research adds knowledge; overrides replace what is served."""

from app.directory.merge import merge_override, merge_research

BASE = {
    "id": "is-reykjavik-embassy", "address": None, "emails": ["reykjavik@mid.ru"],
    "email_roles": {"reykjavik@mid.ru": "general"}, "phones": ["+354 1"],
    "status_note": "Open but downgraded.",
    "sources": {"existence": ["a"], "emails": {"reykjavik@mid.ru": ["b"]}},
}


def test_research_fills_grows_and_appends() -> None:
    merged = merge_research(BASE, {
        "id": "is-reykjavik-embassy", "address": "Garðastræti 33", "website": None,
        "phones": ["+354 2", "+354 1"], "emails": ["consul@mid.ru"],
        "email_roles": {"consul@mid.ru": "consular"},
        "status_note": "Address from a news blog.", "verified_at": "2026-11-25",
        "sources": {"address": ["c"], "existence": ["a", "d"],
                    "emails": {"reykjavik@mid.ru": ["e"], "consul@mid.ru": ["f"]}},
        "evidence": {"address": "quote"},
    })
    assert merged["address"] == "Garðastræti 33"
    assert "website" not in merged  # a null says "not found", never "erase"
    assert merged["phones"] == ["+354 1", "+354 2"]
    assert merged["emails"] == ["reykjavik@mid.ru", "consul@mid.ru"]
    assert merged["sources"]["existence"] == ["a", "d"]
    assert merged["sources"]["emails"] == {"reykjavik@mid.ru": ["b", "e"],
                                           "consul@mid.ru": ["f"]}
    assert merged["status_note"] == ("Open but downgraded. | Research (2026-11-25): "
                                     "Address from a news blog.")
    assert "evidence" not in merged
    assert BASE["address"] is None  # the base is not modified


def test_research_rejects_addresses() -> None:
    merged = merge_research(BASE, {"id": BASE["id"], "rejected_emails": ["Reykjavik@mid.ru"]})
    assert merged["emails"] == [] and merged["email_roles"] == {}
    assert merged["sources"]["emails"] == {}


def test_research_may_add_a_record() -> None:
    merged = merge_research(None, {"id": "xx-new-embassy", "city": "New"})
    assert merged == {"id": "xx-new-embassy", "city": "New"}


def test_overrides_replace() -> None:
    merged = merge_override(BASE, {"id": BASE["id"], "emails": [], "phones": ["+354 9"],
                                   "sources": {"existence": ["z"]}})
    assert merged["emails"] == [] and merged["email_roles"] == {}
    assert merged["phones"] == ["+354 9"]
    assert merged["sources"] == {"existence": ["z"], "emails": {"reykjavik@mid.ru": ["b"]}}


def test_set_aside_addresses_are_never_served() -> None:
    merged = merge_research(BASE, {"id": BASE["id"], "set_aside_emails": [
        {"email": "reykjavik@mid.ru", "reason": "single weak source"}]})
    assert merged["emails"] == [] and "set_aside_emails" not in merged


def test_set_aside_addresses_of_the_official_2015_list_are_served() -> None:
    mfa = "github:a1essar/embassies-list-of-russia-parser/data.json"
    merged = merge_research(BASE, {"id": BASE["id"], "set_aside_emails": [
        {"email": "embrus@simnet.is", "why": "old, off the ministry's domain",
         "sources": [mfa], "evidence": "e-mail: embrus@simnet.is"},
        {"email": "mock@mail.ru", "why": "mock data", "sources": ["s-mock"]}]})
    assert merged["emails"] == ["reykjavik@mid.ru", "embrus@simnet.is"]
    assert merged["sources"]["emails"]["embrus@simnet.is"] == [mfa]
    assert "mock@mail.ru" not in merged["sources"]["emails"]


def test_overrides_drop_the_date_of_a_retired_address() -> None:
    base = {**BASE, "email_dates": {"reykjavik@mid.ru": "2015-03"}}
    assert merge_override(base, {"id": BASE["id"], "emails": []})["email_dates"] == {}
