"""Combine the hand-written pair files into one labelled corpus, split once into dev and test halves.

    .venv/bin/python bench/combine_written_pairs.py   # bench/data/written/pairs_*.jsonl -> bench/data/matter_pairs_written.jsonl
    .venv/bin/python bench/combine_written_pairs.py --fresh   # bench/data/written2/ -> matter_pairs_written2.jsonl, all test
    .venv/bin/python bench/combine_written_pairs.py --fresh --round 3   # written3/ -> matter_pairs_written3.jsonl

The pairs of bench/data/written/ were written by four writers who had never seen the judgement's code, its
vocabulary or the generated corpus (bench/make_matter_pairs.py): each decided a matter's facts, then wrote each
text from scratch as another petitioner or clerk would (docs/MATCHING.md, "The hand-written corpus"). This
script only checks the fields and assigns the split: within each writer and kind, the pairs alternate dev, test,
dev, … in the order written, so each half holds every writer and every kind. It is run once; the split is then
fixed in the output file and never redrawn (rerunning it gives the same split from the same files).

`--fresh`: the second hand-written corpus (bench/data/written2/, two more writers), written after the first
corpus's test half had been reported; every pair of it is test data, never tuned on (docs/MATCHING.md). Round 3
(`--round 3`, bench/data/written3/, two more writers) likewise, written after round 2 had been reported.
"""

import argparse
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "data" / "written"
OUT = HERE / "data" / "matter_pairs_written.jsonl"
KINDS = {"repeat_easy": (True, True), "repeat_hard": (True, True), "lookalike": (False, False),
         "other_matter": (False, False), "joint": (False, True), "unrelated": (False, False)}
SIDE_FIELDS = ("text", "name", "id_number", "phone", "address", "received", "channel", "category", "respondent",
               "locality")
CHANNELS = {"letter", "visit", "phone", "online"}


def problems(pair: dict) -> list[str]:
    """What is wrong with one pair (empty when it can be used)."""
    found = []
    if pair.get("kind") not in KINDS:
        return [f"unknown kind {pair.get('kind')!r}"]
    if (pair.get("repeat"), pair.get("same_matter")) != KINDS[pair["kind"]]:
        found.append("repeat/same_matter do not fit the kind")
    for side in ("a", "b"):
        record = pair.get(side) or {}
        missing = [f for f in SIDE_FIELDS if f not in record]
        if missing:
            found.append(f"{side}: missing {', '.join(missing)}")
            continue
        if record["channel"] not in CHANNELS:
            found.append(f"{side}: channel {record['channel']!r}")
        if not record["text"].strip():
            found.append(f"{side}: empty text")
        try:
            date.fromisoformat(record["received"])
        except ValueError:
            found.append(f"{side}: received {record['received']!r}")
    if not found and pair["a"]["text"] == pair["b"]["text"]:
        found.append("the two texts are the same")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="a later corpus, all test (default: written2/)")
    parser.add_argument("--round", type=int, default=2, help="with --fresh: 2 = written2/, 3 = written3/")
    args = parser.parse_args()
    sources, out = (HERE / "data" / f"written{args.round}", HERE / "data" / f"matter_pairs_written{args.round}.jsonl") \
        if args.fresh else (SOURCES, OUT)
    pairs, rejected = [], 0
    for path in sorted(sources.glob("pairs_*.jsonl")):
        writer = path.stem.removeprefix("pairs_")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            pair = json.loads(line)
            wrong = problems(pair)
            if wrong:
                rejected += 1
                print(f"{path.name}:{number} left out: {'; '.join(wrong)}", file=sys.stderr)
                continue
            pair["writer"] = writer
            pairs.append(pair)
    seen = Counter()
    for pair in pairs:
        key = (pair["writer"], pair["kind"])
        pair["split"] = "test" if args.fresh or seen[key] % 2 else "dev"
        seen[key] += 1
    with open(out, "w", encoding="utf-8") as handle:
        for pair in pairs:
            handle.write(json.dumps(pair, ensure_ascii=False) + "\n")
    by = Counter((p["split"], p["kind"]) for p in pairs)
    print(f"{len(pairs)} pairs ({rejected} left out) -> {out.relative_to(HERE.parent)}")
    for kind in KINDS:
        print(f"  {kind:<13} dev {by['dev', kind]:>3}  test {by['test', kind]:>3}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
