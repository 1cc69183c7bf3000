"""The benchmark table: targets judged right, units said, Markdown that renders, subsets.

No figure is measured here (speed is bench/'s job); these check the report around them.
"""

from pathlib import Path

import pytest

from bench import __main__ as bench_main
from bench.report import SPECS, Machine, Target, markdown_table, rows, text_table


@pytest.mark.parametrize(
    ("target", "value", "met"),
    [
        (Target("<=", 20), 20.0, True),
        (Target("<=", 20), 20.5, False),
        (Target("<", 2), 2.0, False),
        (Target(">=", 0.6), 0.6, True),
        (Target(">=", 200), 199.9, False),
        (Target("==", 0), 0.0, True),
        (Target("==", 50), 51.0, False),
    ],
)
def test_a_target_is_met_only_on_its_side_of_the_bound(
    target: Target, value: float, met: bool
) -> None:
    assert target.met(value) is met


def test_every_target_the_issues_set_is_on_its_figure() -> None:
    expected = {
        "lookup_point_us": "≤ 20", "lookup_place_us": "≤ 100", "compose_us": "≤ 150",
        "compose_vs_healthz": "≥ 0.6", "startup_to_healthy_s": "< 2",
        "rss_after_load_mb": "< 143", "scale_rate_limit_admitted": "= 50",
        "scale_1_worker_letters_s": "≥ 200", "scale_letters_lost": "= 0",
        "scale_letters_duplicated": "= 0",
    }
    assert {name: str(SPECS[name].target) for name in expected} == expected


def test_rows_carry_label_unit_and_verdict() -> None:
    table = rows({"compose_us": 151.0, "lookup_place_us": 40.0, "gazetteer_cities": 69473})
    assert [(r.name, r.unit, r.verdict) for r in table] == [
        ("compose in-process", "µs", "NO"),
        ("lookup from a place name", "µs", "yes"),
        ("gazetteer cities", "cities", "–"),
    ]


def test_a_figure_without_a_spec_gets_its_unit_from_its_name() -> None:
    table = rows({"delivery smtp sqlite c=32 letters/s": 250.0, "rate limit hit, Redis µs": 90.0})
    assert [(r.name, r.unit, r.target) for r in table] == [
        ("delivery smtp sqlite c=32", "letters/s", None),
        ("rate limit hit, Redis", "µs", None),
    ]


def test_figures_named_with_a_variable_part_still_get_their_target() -> None:
    table = rows({"delivery http-50ms postgresql c=32 letters/s": 150.0,
                  "delivery http-50ms postgresql c=32 cpu ms/letter": 4.0,
                  "crash letters lost": 0.0, "crash letters duplicated": 1.0})
    assert [(r.name, r.unit, str(r.target), r.verdict) for r in table] == [
        ("delivery http-50ms postgresql c=32", "letters/s", "≥ 200", "NO"),
        ("delivery http-50ms postgresql c=32", "CPU ms/letter", "None", "–"),
        ("crash letters lost", "", "= 0", "yes"),
        ("crash letters duplicated", "", "= 0", "NO"),
    ]


def test_the_markdown_table_has_one_line_per_figure_and_aligned_columns() -> None:
    table = rows({"compose_us": 120.25, "compose_vs_healthz": 0.4567})
    lines = markdown_table(table).splitlines()
    assert lines[0] == "| figure | value | unit | target | met |"
    assert lines[2] == "| compose in-process | 120 | µs | ≤ 150 | yes |"
    assert lines[3] == "| HTTP compose / healthz | 0.457 | ratio | ≥ 0.6 | NO |"
    assert all(line.count("|") == 6 for line in lines)
    assert len(text_table(table).splitlines()) == 3


def test_the_machine_names_cpu_cores_ram_python_and_load() -> None:
    text = str(Machine("Some CPU", 2, 3.9, "CPython 3.11.7", (1.5, 1.0, 0.5)))
    assert text == ("Some CPU, 2 cores, 3.9 GiB RAM, CPython 3.11.7, "
                    "load average 1.50, 1.00, 0.50 (1, 5, 15 min) at start")


def test_a_subset_runs_only_the_groups_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ran = []
    groups = {name: (lambda n=name: ran.append(n) or {f"{n}_us": 1.0}) for name in "abc"}
    monkeypatch.setattr(bench_main, "GROUPS", groups)
    results = tmp_path / "RESULTS.md"
    assert bench_main.main(["c", "a", "--write", str(results)]) == 0
    assert ran == ["c", "a"]
    written = results.read_text()
    assert "-m bench c a --write" in written and "| c | 1 | µs | – | – |" in written
    assert "load average" in written


def test_an_unknown_group_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        bench_main.main(["lookup", "nonsense"])
    assert exit_.value.code == 2
    assert "unknown group nonsense" in capsys.readouterr().err


def test_a_failing_group_fails_the_run_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken() -> dict[str, float]:
        raise RuntimeError("no PostgreSQL")

    monkeypatch.setattr(bench_main, "GROUPS", {"ok": lambda: {"x_us": 1.0}, "broken": broken})
    results = tmp_path / "RESULTS.md"
    assert bench_main.main(["--write", str(results)]) == 1
    assert not results.exists()
