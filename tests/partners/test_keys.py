"""API keys: random, shown once, stored as a keyed digest, checked in constant time."""

import pytest

from app.partners.keys import KEY_ID_LENGTH, PREFIX, digest, issue, key_id_of, matches
from app.partners.snapshot import PartnerRecord, Snapshot

SECRET = b"test-secret"


def record(key: str, **fields: object) -> PartnerRecord:
    key_id = key_id_of(key)
    assert key_id is not None
    values: dict[str, object] = {
        "id": key_id,
        "name": "NGO",
        "key_digest": digest(SECRET, key),
        "origins": ("https://ngo.example",),
    }
    return PartnerRecord(**(values | fields))  # type: ignore[arg-type]


def test_a_new_key_names_its_id_and_is_never_the_same_twice() -> None:
    first, second = issue(), issue()
    assert first.key.startswith(PREFIX + first.key_id + "_")
    assert len(first.key_id) == KEY_ID_LENGTH
    assert key_id_of(first.key) == first.key_id
    assert first.key != second.key
    assert first.key_id != second.key_id


@pytest.mark.parametrize(
    "text",
    ["", "el_", "sk_0123456789_" + "a" * 43, "el_0123456789_short", "el_XYZ3456789_" + "a" * 43,
     "el_0123456789-" + "a" * 43],
)
def test_anything_not_shaped_like_a_key_has_no_id(text: str) -> None:
    assert key_id_of(text) is None


def test_the_digest_depends_on_the_server_secret() -> None:
    key = issue().key
    assert digest(SECRET, key) != digest(b"another", key)
    assert key not in digest(SECRET, key)
    assert matches(SECRET, key, digest(SECRET, key))
    assert not matches(b"another", key, digest(SECRET, key))


def test_a_snapshot_finds_the_partner_by_its_key() -> None:
    key = issue().key
    partner = record(key)
    snapshot = Snapshot.of([partner])
    assert snapshot.authenticate(SECRET, key) == partner
    assert snapshot.origins == {"https://ngo.example"}


def test_a_key_with_a_known_id_but_a_wrong_secret_part_is_refused() -> None:
    key = issue().key
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert Snapshot.of([record(key)]).authenticate(SECRET, forged) is None


def test_unknown_and_revoked_keys_are_refused_and_revoked_origins_dropped() -> None:
    live, gone = issue().key, issue().key
    snapshot = Snapshot.of(
        [record(live), record(gone, revoked=True, origins=("https://old.example",))]
    )
    assert snapshot.authenticate(SECRET, gone) is None
    assert snapshot.authenticate(SECRET, issue().key) is None
    assert snapshot.authenticate(SECRET, "not a key") is None
    assert snapshot.origins == {"https://ngo.example"}
