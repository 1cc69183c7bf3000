"""Mixed-radix variant numbers and the stable per-person hash."""

import itertools

import pytest

from app.campaigns.variant import digits, number, stable_variant

RADICES = (5, 3, 4, 2)


def test_every_variant_is_a_distinct_choice_and_round_trips() -> None:
    seen = {digits(v, RADICES) for v in range(5 * 3 * 4 * 2)}
    assert seen == set(itertools.product(*(range(r) for r in RADICES)))
    for indices in seen:
        assert digits(number(indices, RADICES), RADICES) == indices


def test_first_list_is_least_significant() -> None:
    assert digits(1, RADICES) == (1, 0, 0, 0)
    assert digits(5, RADICES) == (0, 1, 0, 0)
    assert digits(120, RADICES) == (0, 0, 0, 0)  # modulo the count


def test_number_needs_one_index_per_list() -> None:
    with pytest.raises(ValueError):
        number((1, 2), RADICES)


def test_stable_variant_is_stable_and_in_range() -> None:
    # A fixed value: the hash must not change between processes, releases or replicas.
    assert stable_variant(1215, "demo", "en", "Jane Doe", "Munich", "") == stable_variant(
        1215, "demo", "en", "Jane Doe", "Munich", ""
    )
    assert stable_variant(1_000_000, "a", "b") == 15_581
    assert all(0 <= stable_variant(7, str(i)) < 7 for i in range(100))


def test_parts_do_not_run_together() -> None:
    big = 2**61
    assert stable_variant(big, "ab", "c") != stable_variant(big, "a", "bc")
