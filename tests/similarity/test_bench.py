"""The benchmark runs from one command at a small size (the CI run; full sizes are run by hand)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_at_a_small_size_prints_figures_and_finds_the_planted_repeats(tmp_path):
    # At 0.35: on 2,000 petitions a query's candidates are few of its own kind, so the rarity weights
    # discount shared boilerplate less and scores run higher than at 100,000 or more, where
    # RECOMMENDED_MIN_SIMILARITY (0.25) is measured (docs/SIMILARITY.md, "Which threshold").
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xinfang.config.settings.test"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_similarity.py"), "--size", "2000", "--queries", "100",
         "--brute-queries", "40", "--threshold", "0.35", "--db", str(tmp_path / "bench.sqlite3")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for figure in ("built: 2,000 petitions", "lookup over", "p95", "database file", "peak RSS", "brute force over",
                   "speed-up", "recall ratio"):
        assert figure in out
    headline = re.search(r"RESULT size=2000 threshold=\S+ recall=(\S+) precision=(\S+)", out)
    assert float(headline.group(1)) >= 0.8
    assert float(headline.group(2)) >= 0.8
