"""The candidate stage's faster reads give exactly what the reads they replaced gave (issue 17, speed)."""

import numpy as np
import pytest

from xinfang.similarity import minhash
from xinfang.similarity import selectors as index
from xinfang.similarity.services import index_petitions

TEXTS = [
    "反映某建筑公司拖欠农民工工资三个月未付，多次讨要无果，请求督促支付",
    "某建筑公司拖欠我们十几个人的工资，已经三个月了，请领导帮忙讨要",
    "青石镇大湾村村民反映村里的杉树被人砍伐，请求调查处理",
    "反映鸿运农资店出售假种子导致减产，要求赔偿损失",
    "反映小区物业乱收费，停车费每月上涨一百元，请求查处",
]


def _reference_overlap(query, others, power):
    """The overlap as first written: np.unique with return_inverse."""
    lengths = np.array([len(o) for o in others])
    flat = np.concatenate(others)
    universe, inverse, df = np.unique(np.concatenate((flat, query)), return_inverse=True, return_counts=True)
    weights = np.log1p((len(others) + 1) / df) ** power
    weights = weights[inverse]
    in_query = np.zeros(len(universe), dtype=bool)
    in_query[inverse[len(flat):]] = True
    hits = in_query[inverse[: len(flat)]]
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    flat_w = weights[: len(flat)]
    return np.add.reduceat(np.where(hits, flat_w, 0.0), offsets), float(weights[len(flat):].sum())


def test_the_weighted_overlap_is_bit_for_bit_the_one_computed_with_return_inverse():
    rng = np.random.default_rng(17)
    query = np.unique(rng.integers(0, 5000, 300).astype(np.uint32))
    others = [np.unique(rng.integers(0, 5000, int(n)).astype(np.uint32)) for n in rng.integers(1, 400, 50)]
    inter, query_total, _ = minhash._weighted_overlap(query, others, 2)
    expected_inter, expected_total = _reference_overlap(query, others, 2)
    assert np.array_equal(inter, expected_inter)
    assert query_total == expected_total


@pytest.mark.django_db
def test_the_ranking_read_with_the_shingles_is_the_ranking_then_the_shingles():
    index_petitions([(pk, text) for pk, text in enumerate(TEXTS * 3, start=1)])
    query = index._query_shingles(TEXTS[0] + "，至今未付")
    keys = minhash.band_keys(minhash.signatures([query]))[0].tolist()
    ranked = index._candidates(keys, exclude_id=2)
    stored = index._stored(ranked)
    together = index._candidates_with_shingles(keys, exclude_id=2)
    assert ranked and 2 not in ranked
    assert [pk for pk, _ in together] == [pk for pk in ranked if pk in stored]
    assert all(np.array_equal(hashes, stored[pk]) for pk, hashes in together)
