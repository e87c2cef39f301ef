"""Smoke test of the bench (scripts/bench*.py): the generator and one tiny timing (no timing
assertions)."""

from __future__ import annotations

import sys
from pathlib import Path

from publist.bibtex.parse import parse
from publist.build.pipeline import build
from publist.config import Config
from tests.helpers import load_script

bench = load_script("bench")
bench_generate = load_script("bench_generate")
bench_measure = load_script("bench_measure")


def test_generator_is_deterministic_and_parses_cleanly(tmp_path: Path) -> None:
    text = bench_generate.generate_bib(60)
    assert text == bench_generate.generate_bib(60)
    assert text != bench_generate.generate_bib(60, seed=1)
    path = tmp_path / "gen.bib"
    path.write_text(text, encoding="utf-8")
    assert bench.count_entries(path) == 60
    loaded = build(parse(text, path=path), Config())
    assert len(loaded.publications) == 60
    assert not loaded.bibliography.diagnostics
    # Realistic shape: macros, accents, math and several categories all occur.
    assert "@String{" in text and '{\\"u}' in text and "$" in text
    assert len({p.category for p in loaded.publications}) >= 5
    assert any("ü" in a.last for p in loaded.publications for a in p.authors)


def test_one_tiny_timing(tmp_path: Path) -> None:
    path = tmp_path / "tiny.bib"
    path.write_text(bench_generate.generate_bib(5), encoding="utf-8")
    case = bench_measure.Case(
        "publist export -f md", "tiny", bench_measure.publist("export", "-b", path), 5
    )
    bench_measure.measure([case], runs=1, env=bench_measure.publist_env())
    assert case.ok, case.samples[0].stderr
    assert case.median > 0 and case.peak > 1024 * 1024
    table = bench.table([case], bench.BibFile("tiny", path, 5))
    assert "| publist export -f md | tiny | 5 |" in table


def test_ratios_pair_the_samples_of_each_run() -> None:
    def case(*seconds: float) -> object:
        made = bench_measure.Case("c", "f", ["true"])
        made.samples = [bench_measure.Sample(s, 0, 0, "") for s in seconds]
        return made

    assert bench_measure.per_run_ratios(case(2.0, 3.0, 1.0), case(1.0, 2.0, 1.0)) == [2.0, 1.5, 1.0]


def test_each_run_takes_the_cases_in_a_new_order(tmp_path: Path) -> None:
    marker = tmp_path / "order.txt"
    cases = [
        bench_measure.Case(
            str(n), "", [sys.executable, "-c", f"open({str(marker)!r}, 'a').write('{n}')"]
        )
        for n in range(6)
    ]
    bench_measure.measure(cases, runs=3, env=bench_measure.publist_env())
    written = marker.read_text()
    warm_up, runs = written[:6], [written[6 + 6 * r : 12 + 6 * r] for r in range(3)]
    assert warm_up == "012345"
    assert all(sorted(run) == list("012345") for run in runs)
    assert len(set(runs)) > 1  # not the same order every run
    assert all(len(c.samples) == 3 and c.ok for c in cases)
