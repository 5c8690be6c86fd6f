"""The same-matter judgement: are two petitions one matter, and is the new one a repeat of this petitioner?

Three questions kept apart (docs/MATCHING.md, "Same matter"):

- **same person**: the identity match (selectors.identity_matches), given to the judgement, never inferred
  from the text;
- **same matter**: the same request on the same facts and reasons. Read from both texts' words and facts
  (facts.py) as evidence features, combined by a logistic model whose coefficients were fitted on the
  development half of the labelled corpus (bench/bench_judgement.py --fit), so `matter_score` is a calibrated
  probability; SAME_MATTER_LEVEL is the default decision level;
- **similar text**: one feature among others (character trigrams), never the judge.

Together: same person + same matter = 重复信访 (REPEAT); same person + another matter = 此人其他信访事项
(OTHER_MATTER), listed apart; different people + same matter = a 涉众/联名 candidate (JOINT). Every judgement
carries its reasons in words ("同一信访人；都反映：鸿运农资店 假种子 2024年4月；诉求：赔偿减产损失").

Word weights are IDF from the office's own petitions (WordStats): a word most petitions use (the village's
name, 村民, a category's common words) weighs nothing; boilerplate concepts of the vocabulary never weigh.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from xinfang.matching.facts import Facts, facts_of, name_class, names_match

REPEAT = "repeat"
OTHER_MATTER = "other_matter"
JOINT = "joint"
UNRELATED = "unrelated"
KIND_LABELS = {REPEAT: "重复信访", OTHER_MATTER: "此人其他信访事项", JOINT: "涉众/联名", UNRELATED: "不同事项"}

# The evidence, each 0..1 (features()). Two logistic models over it, fitted by `bench/bench_judgement.py --fit`
# (L2-regularised) on the tuning corpora (bench/data/matter_pairs.jsonl, generated from facts;
# bench/data/matter_pairs_written.jsonl, written by hand by four writers who never saw this code; docs/MATCHING.md):
# PERSON_… on the pairs of one petitioner (is this person's new petition the same matter: the repeat decision),
# the other on pairs of different people (the same matter whoever tells it: 涉众/联名). A petitioner's second
# petition is usually the same matter, and on a petitioner's own pairs the same village says nothing: one model
# for both questions weighed the evidence worse for each (docs/MATCHING.md).
FEATURES = (
    "words", "words_conflict", "issue_same", "issue_conflict", "demand_same", "object_same", "object_conflict", "names_same",
    "names_conflict", "people_same", "amount_same", "amount_conflict", "month_same", "month_conflict",
    "year_same", "year_conflict", "area_same", "place_same", "trigram", "respondent_same", "respondent_conflict",
    "category_same",
)
PERSON_COEFFICIENTS = {name: 0.0 for name in FEATURES} | {
    "words": 0.764, "words_conflict": -2.348, "issue_same": 0.115, "issue_conflict": -1.518, "object_same": 0.443,
    "object_conflict": -0.732, "names_same": 1.245, "names_conflict": -2.946, "people_same": 1.043,
    "amount_same": 1.287, "amount_conflict": -1.672, "month_same": 0.971, "month_conflict": -1.512,
    "year_same": 0.717, "year_conflict": -1.129, "area_same": 0.404, "respondent_same": 0.393,
    "respondent_conflict": -0.393, "category_same": 1.619,
}
PERSON_INTERCEPT = 0.763
COEFFICIENTS = {name: 0.0 for name in FEATURES} | {
    "words": 0.44, "words_conflict": -1.624, "issue_conflict": -1.218, "object_same": 0.466,
    "object_conflict": -1.06, "names_same": 1.826, "names_conflict": -2.017, "people_same": 1.405,
    "amount_same": 1.694, "amount_conflict": -1.168, "month_same": 0.915, "month_conflict": -1.405,
    "year_same": 0.164, "year_conflict": -2.101, "area_same": 1.096, "respondent_same": 0.052,
    "respondent_conflict": -0.052, "category_same": 1.584,
}
INTERCEPT = -0.477
# matter_score (of the same-person model) at or above this: the same matter, for the same petitioner (a repeat).
# Chosen on out-of-fold scores of the tuning corpora: the best accuracy at which each corpus has recall >= 0.95 and
# precision >= 0.90.
SAME_MATTER_LEVEL = 0.58
# For different people: a 涉众/联名 candidate needs more than a common kind of matter in one village (the
# look-alikes); chosen on out-of-fold scores of the different-people pairs, best accuracy.
JOINT_LEVEL = 0.47

# The features read from the two texts in common. With none of them the texts share nothing, and category,
# respondent and place alone (evidence, never the decision) must not make the pair one matter.
TEXT_EVIDENCE = ("words", "issue_same", "demand_same", "object_same", "names_same", "people_same", "amount_same",
                 "month_same", "area_same")

# A word cosine below this: the texts share almost no words of the matter.
FEW_WORDS = 0.12

# Words in more than this share of the office's petitions are boilerplate there, whatever they are.
BOILERPLATE_SHARE = 0.2
# Pseudo-petitions that contain none of a word: a small office's few petitions do not make a word rare.
PRIOR_DOCUMENTS = 200


@dataclass(frozen=True)
class WordStats:
    """Document frequencies of the office's words (from its petitions' texts)."""

    documents: int
    frequency: dict[str, int]
    _weights: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def weight(self, word: str) -> float:
        known = self._weights.get(word)
        if known is not None:
            return known
        df = self.frequency.get(word, 0)
        if self.documents >= 50 and df > BOILERPLATE_SHARE * self.documents:
            value = 0.0
        else:
            value = math.log((self.documents + PRIOR_DOCUMENTS) / (df + 1))
        self._weights[word] = value
        return value


EMPTY_STATS = WordStats(0, {})


def word_stats_of(texts: Iterable[str]) -> WordStats:
    return word_stats_from(facts_of(text).words for text in texts)


def word_stats_from(documents_words: Iterable[Iterable[str]]) -> WordStats:
    """Document frequencies from each document's distinct words (stored facts give them without jieba)."""
    frequency: dict[str, int] = {}
    documents = 0
    for words in documents_words:
        documents += 1
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    return WordStats(documents, frequency)


@dataclass(frozen=True)
class Context:
    """What is known besides the texts: the same respondent (complained org), category, place; None = unknown."""

    same_respondent: bool | None = None
    same_category: bool | None = None
    same_locality: bool | None = None


@dataclass(frozen=True)
class Judgement:
    kind: str
    matter_score: float  # calibrated probability that the two are one matter
    same_matter: bool
    same_person: bool
    reasons: tuple[str, ...]
    features: dict[str, float]

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


WordVector = tuple[dict[str, float], float]


def word_vector(facts: Facts, stats: WordStats) -> WordVector:
    """A text's word weights and their norm: computed once for a draft judged against many candidates."""
    weights = {w: stats.weight(w) for w in facts.words}
    return weights, math.sqrt(sum(v * v for v in weights.values()))


def _word_cosine(a: Facts, b: Facts, stats: WordStats, a_vector: WordVector | None = None) -> float:
    wa, na = a_vector or word_vector(a, stats)
    wb, nb = word_vector(b, stats)
    if not na or not nb:
        return 0.0
    return sum(wa[w] * wb[w] for w in wa.keys() & wb.keys()) / (na * nb)


def matched_names(a: Iterable[str], b: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs (name in a, name in b) that are one name, each name used once."""
    pairs, used = [], set()
    for x in a:
        for y in b:
            if y not in used and names_match(x, y):
                pairs.append((x, y))
                used.add(y)
                break
    return pairs


def _overlap(x: tuple[int, int], y: tuple[int, int]) -> bool:
    """The same sum: 1.2万 and 12000 are; 19.3万 and 19万 are two sums; 一万多 (10000–20000) and 12800 may be one
    (an approximate sum is said 约/多/差不多/左右, and read as its range)."""
    return x[0] - 1 <= y[1] and y[0] - 1 <= x[1]


def _sums_meet(a: Facts, b: Facts) -> bool:
    return any(_overlap(x, y) for x in a.ranges for y in b.ranges)


def shared_sums(a: Facts, b: Facts) -> list[str]:
    """a's sums that one of b's may be, in words: 2.86万元; 约2万元 for 两万八千多 against 28600."""
    out = []
    for low, high in sorted(a.ranges):
        if any(_overlap((low, high), y) for y in b.ranges):
            said = min((x for x in a.amounts if low <= x <= high), default=low)
            out.append(_money(said) if low == high else "约" + _money(said))
    return out


def _months_apart(x: str, y: str) -> int:
    return abs((int(x[:4]) * 12 + int(x[5:])) - (int(y[:4]) * 12 + int(y[5:])))


def _both(a: frozenset, b: frozenset) -> bool:
    return bool(a) and bool(b)


def conflicting_classes(a: Facts, b: Facts) -> set[str]:
    """Classes of names (companies, sites) in which each text names one the other does not: 华宇旅行社 and 安泰旅行社
    are two matters even if both texts also say 购物店."""
    pairs = matched_names(a.names, b.names)
    matched_a, matched_b = {x for x, _ in pairs}, {y for _, y in pairs}
    left = {name_class(n) for n in a.names if n not in matched_a}
    right = {name_class(n) for n in b.names if n not in matched_b}
    return left & right


def names_conflict(a: Facts, b: Facts) -> bool:
    return bool(conflicting_classes(a, b))


def features(a: Facts, b: Facts, *, stats: WordStats = EMPTY_STATS, context: Context = Context(),
             a_vector: WordVector | None = None) -> dict[str, float]:
    issue_a, issue_b = a.of_kind("issue"), b.of_kind("issue")
    object_a, object_b = a.of_kind("object"), b.of_kind("object")
    names = matched_names(a.names, b.names)
    amount_same = _sums_meet(a, b)
    month_near = any(_months_apart(x, y) <= 1 for x in a.months for y in b.months)
    trigram_union = len(a.trigrams | b.trigrams)
    words = _word_cosine(a, b, stats, a_vector)
    return {
        "words": words,
        # Two texts that share almost none of their words: a linear model cannot read "almost none" from the
        # cosine alone, and category and respondent then made one person's two consumer complaints one matter.
        "words_conflict": float(words < FEW_WORDS),
        "issue_same": len(issue_a & issue_b) / max(1, min(len(issue_a), len(issue_b))) if _both(issue_a, issue_b) else 0.0,
        "issue_conflict": float(_both(issue_a, issue_b) and not issue_a & issue_b),
        "demand_same": float(bool(a.of_kind("demand") & b.of_kind("demand"))),
        "object_same": float(bool(object_a & object_b)),
        "object_conflict": float(_both(object_a, object_b) and not object_a & object_b),
        "names_same": min(len(names), 2) / 2,
        "names_conflict": float(names_conflict(a, b)),
        "people_same": float(bool(a.people & b.people)),
        "amount_same": float(amount_same),
        "amount_conflict": float(_both(a.amounts, b.amounts) and not amount_same),
        "month_same": float(bool(a.months & b.months) or month_near),
        "month_conflict": float(_both(a.months, b.months) and not month_near),
        "year_same": float(bool(a.years & b.years)),
        "year_conflict": float(_both(a.fixed_years, b.fixed_years) and not a.years & b.years),
        "area_same": float(bool(a.areas & b.areas)),
        "place_same": float(bool(matched_names(a.places, b.places))),
        "trigram": len(a.trigrams & b.trigrams) / trigram_union if trigram_union else 0.0,
        "respondent_same": float(context.same_respondent is True),
        "respondent_conflict": float(context.same_respondent is False),
        "category_same": float(context.same_category is True),
    }


def score_of(values: dict[str, float], *, same_person: bool = False) -> float:
    """The probability that the two are one matter: the same-person model for a petitioner's own petitions,
    the other for different people."""
    coefficients, intercept = (PERSON_COEFFICIENTS, PERSON_INTERCEPT) if same_person else (COEFFICIENTS, INTERCEPT)
    z = intercept + sum(coefficients.get(k, 0.0) * v for k, v in values.items())
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def _money(value: int) -> str:
    if value >= 10000 and value % 100 == 0:
        return f"{value / 10000:g}万元"
    return f"{value}元"


def _month_words(value: str) -> str:
    return f"{int(value[:4])}年{int(value[5:])}月"


def shared_facts(a: Facts, b: Facts) -> list[str]:
    """What both tell, in a's words: names, what happened, when, how much."""
    items = [x for x, _ in matched_names(a.names, b.names)]
    items += sorted(a.people & b.people)
    items += [a.surface[c] for c in sorted(a.of_kind("issue") & b.of_kind("issue")) if c in a.surface]
    items += [a.surface[c] for c in sorted(a.of_kind("object") & b.of_kind("object")) if c in a.surface]
    items += [_month_words(m) for m in sorted(a.months & b.months)]
    if not a.months & b.months:
        items += [f"{y}年" for y in sorted(a.years & b.years)]
    items += shared_sums(a, b)
    items += sorted(a.areas & b.areas)
    items = list(dict.fromkeys(items))
    # 建筑公司 says nothing 某建筑公司 has not said.
    items = [x for x in items if not any(x != y and x in y for y in items)]
    return items[:8]


def shared_words(a: Facts, b: Facts, stats: WordStats, limit: int = 5) -> list[str]:
    """The words both texts use that weigh most in the office's petitions (concepts are told as facts)."""
    common = [w for w in a.words.keys() & b.words.keys() if ":" not in w and len(w) >= 2 and stats.weight(w) > 0]
    return sorted(common, key=lambda w: (-stats.weight(w), w))[:limit]


def differences(a: Facts, b: Facts) -> list[str]:
    """Why they are told apart: the facts in which they differ."""
    out = []
    issue_a, issue_b = a.of_kind("issue"), b.of_kind("issue")
    if _both(issue_a, issue_b) and not issue_a & issue_b:
        out.append(f"反映内容不同（{'、'.join(a.surface[c] for c in sorted(issue_a))}／"
                   f"{'、'.join(b.surface[c] for c in sorted(issue_b))}）")
    conflicts = conflicting_classes(a, b)
    if conflicts:
        x = next(n for n in a.names if name_class(n) in conflicts)
        y = next(n for n in b.names if name_class(n) in conflicts)
        out.append(f"涉及对象不同（{x}／{y}）")
    if _both(a.amounts, b.amounts) and not _sums_meet(a, b):
        out.append(f"金额不同（{_money(max(a.amounts))}／{_money(max(b.amounts))}）")
    if _both(a.months, b.months) and not any(_months_apart(x, y) <= 1 for x in a.months for y in b.months):
        out.append(f"时间不同（{_month_words(min(a.months))}／{_month_words(min(b.months))}）")
    return out[:3]


def judge_facts(a: Facts, b: Facts, *, same_person: bool, person_reason: str = "", stats: WordStats = EMPTY_STATS,
                context: Context = Context(), level: float | None = None,
                a_vector: WordVector | None = None) -> Judgement:
    """Judge `a` (the new text) against `b` (an earlier one); pure, so every kind of pair is tested directly.
    `a_vector`: word_vector(a, stats), when `a` is judged against many."""
    values = features(a, b, stats=stats, context=context, a_vector=a_vector)
    score = round(score_of(values, same_person=same_person), 3)
    if level is None:
        level = SAME_MATTER_LEVEL if same_person else JOINT_LEVEL
    same_matter = score >= level and any(values[name] > 0 for name in TEXT_EVIDENCE)
    if same_person:
        kind = REPEAT if same_matter else OTHER_MATTER
    else:
        kind = JOINT if same_matter else UNRELATED
    reasons = []
    if same_person:
        reasons.append(f"同一信访人（{person_reason}）" if person_reason else "同一信访人")
    elif same_matter:
        reasons.append("不同信访人")
    if same_matter:
        shared = shared_facts(a, b)
        if shared:
            reasons.append("都反映：" + " ".join(shared))
        else:  # no fact read in both: say which of the matter's words they share, rarest first
            words = shared_words(a, b, stats)
            if words:
                reasons.append("用词相同：" + " ".join(words))
        if a.demand and (values["demand_same"] or values["words"] >= 0.3):
            reasons.append("诉求：" + a.demand.lstrip(":：,，、 "))
        if context.same_respondent:
            reasons.append("同一被反映单位")
    else:
        reasons.extend(differences(a, b) or ["所述事实不同"])
    return Judgement(kind, score, same_matter, same_person, tuple(reasons), values)


def judge(text_a: str, text_b: str, *, same_person: bool, person_reason: str = "",
          received_a: datetime | None = None, received_b: datetime | None = None,
          stats: WordStats = EMPTY_STATS, context: Context = Context(), level: float | None = None) -> Judgement:
    """Judge two texts (`level` overrides the default decision levels); relative dates (去年4月) are read against each one's date of receipt."""
    a = facts_of(text_a or "", received_a.year if received_a else None)
    b = facts_of(text_b or "", received_b.year if received_b else None)
    return judge_facts(a, b, same_person=same_person, person_reason=person_reason, stats=stats, context=context,
                       level=level)
