"""Reads: a matter's chain of petitions, whether it is final, repeat candidates, identity links, clusters."""

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from xinfang.matching import identity, judgement, stored
from xinfang.matching.facts import FACTS_VERSION, facts_of
from xinfang.matching.models import IdentityKey, IdentityLink, MassCluster, PetitionerMerge
from xinfang.matching.text import petition_text, similar_to, text_judgeable
from xinfang.orgs.models import Org, User
from xinfang.petitions import crypto
from xinfang.petitions.models import Category, Petition, PetitionParty, PetitionStatus, Petitioner
from xinfang.petitions.selectors import petitions_hidden_from, petitions_visible_to
from xinfang.petitions.validators import normalize_id_number, normalize_phone, validate_id_number, validate_phone
from xinfang.workflow.rules import RULES_BY_ACTION

# Chains are short; the guard only stops a corrupt cycle written by hand or by a bad import.
MAX_CHAIN_DEPTH = 50

_REFUSE_RULE = RULES_BY_ACTION["refuse_repeat"]
FINAL_MESSAGE = "该事项已终结（第三十六条）：不再受理"
FINAL_RULE = f"{_REFUSE_RULE.article}：{_REFUSE_RULE.help}"


# --- the matter's chain (初件 and 重件) ----------------------------------------------------------------


def matter_root_id(*, petition_id: int) -> int:
    """The first petition of the matter `petition_id` belongs to, following `first_petition` to its end.

    Imports may point a repeat at another repeat, so the chain is followed rather than trusted to be flat.
    """
    current, seen = petition_id, {petition_id}
    for _ in range(MAX_CHAIN_DEPTH):
        parent = Petition.objects.filter(pk=current).values_list("first_petition_id", flat=True).first()
        if parent is None or parent in seen:
            return current
        seen.add(parent)
        current = parent
    return current


def matter_member_ids(*, root_id: int) -> list[int]:
    """Every petition of the matter rooted at `root_id` (the root included), oldest first."""
    members = [root_id]
    frontier = [root_id]
    seen = {root_id}
    for _ in range(MAX_CHAIN_DEPTH):
        children = [pk for pk in Petition.objects.filter(first_petition_id__in=frontier).values_list("pk", flat=True)
                    if pk not in seen]
        if not children:
            break
        seen.update(children)
        members.extend(children)
        frontier = children
    return list(
        Petition.objects.filter(pk__in=members).order_by("received_at", "id").values_list("pk", flat=True)
    )


def matter_chain(*, petition_id: int, user: User | None = None) -> list[Petition]:
    """The whole matter of a petition: its first petition, then the repeats, oldest first.

    With `user`, only the petitions that user may see: a chain never names a petition the reader may not
    open (an accusation linked to a visible repeat would name the whistle-blower to the accused unit).
    Without, the whole chain, for the rules (finality, refusal) that must see everything.
    """
    root_id = matter_root_id(petition_id=petition_id)
    ids = matter_member_ids(root_id=root_id)
    queryset = Petition.objects.all() if user is None else petitions_visible_to(user=user)
    return list(
        queryset.filter(pk__in=ids).select_related("registering_org", "locality").order_by("received_at", "id")
    )


@dataclass(frozen=True)
class ChainView:
    """A matter's chain as one reader may see it: the petitions they may open, and which one stands first.

    The first is the matter's first petition if the reader may see it. If Art 30 hides it (an accusation
    against the reader's unit), the earliest visible petition stands first, so nothing tells that a hidden
    matter came before. A first petition merely outside the reader's scope is no secret: then none is named.
    """

    petitions: list[Petition]
    first_id: int | None

    def is_first(self, petition: Petition) -> bool:
        return petition.pk == self.first_id

    @property
    def is_repeat_of_visible(self) -> bool:
        return self.first_id is not None


def matter_chain_for(*, user: User, petition_id: int) -> ChainView:
    root_id = matter_root_id(petition_id=petition_id)
    chain = matter_chain(petition_id=petition_id, user=user)
    if any(p.pk == root_id for p in chain):
        return ChainView(chain, root_id)
    if chain and petitions_hidden_from(user=user).filter(pk=root_id).exists():
        return ChainView(chain, chain[0].pk)
    return ChainView(chain, None)


# Case events of the matching app that name other petitions in their data.
MATTER_EVENT_KINDS = ("repeat_link", "repeat_unlink", "matter_split", "matter_reroot")


def _ids_in(value) -> set[int]:
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_ids_in(item) for item in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_ids_in(item) for item in value)) if value else set()
    return set()


def history_for(*, user: User, events: list) -> list:
    """A case's history as the reader may see it: a repeat link, unlink, split or re-rooting that names a
    petition Art 30 hides from the reader is left out (it would tell that the hidden matter exists)."""
    named = {event.pk: _ids_in(event.data) for event in events if event.kind in MATTER_EVENT_KINDS}
    if not named:
        return events
    hidden = set(petitions_hidden_from(user=user).filter(pk__in=set().union(*named.values()))
                 .values_list("pk", flat=True))
    return [event for event in events if not (named.get(event.pk, set()) & hidden)]


@dataclass(frozen=True)
class Finality:
    is_final: bool
    petition_number: str = ""
    message: str = ""
    rule: str = ""


def matter_finality(*, petition_ids: list[int]) -> Finality:
    """Whether any petition of a matter reached a final state (Art 36: a final matter is not accepted again)."""
    final = (Petition.objects.filter(pk__in=petition_ids, status=PetitionStatus.FINAL)
             .order_by("received_at", "id").values_list("number", flat=True).first())
    if final is None:
        return Finality(False)
    return Finality(True, petition_number=final, message=FINAL_MESSAGE, rule=FINAL_RULE)


def visible_finality(finality: Finality, visible_chain: list[Petition]) -> Finality:
    """A matter's finality as a reader may be told it: the final petition is named only if they may see it."""
    if finality.is_final and finality.petition_number not in {p.number for p in visible_chain}:
        return Finality(True, message=finality.message, rule=finality.rule)
    return finality


def matter_is_final(*, petition_id: int) -> Finality:
    """Finality of the matter a petition belongs to."""
    return matter_finality(petition_ids=matter_member_ids(root_id=matter_root_id(petition_id=petition_id)))


# --- identity ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftPerson:
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class IdentityMatch:
    petitioner_id: int
    method: str
    confidence: float
    reason: str


_METHOD_REASON = {
    "id_number": "同一身份证号",
    "phone": "同一联系电话",
    "name_address": "同名且住址相同",
    "name_birth_date": "同名且出生日期相同",
}


def _valid_id(value: str) -> str:
    try:
        return validate_id_number(value) if value.strip() else ""
    except Exception:  # noqa: BLE001 - a half-typed number is simply not used
        return ""


def _valid_phone(value: str) -> str:
    try:
        return validate_phone(value) if value.strip() else ""
    except Exception:  # noqa: BLE001
        return ""


def identity_matches(*, people: list[DraftPerson], limit: int = 200) -> dict[int, IdentityMatch]:
    """Petitioner records that are probably one of `people`, the strongest way each was found.

    Three indexed queries whatever the number of people: the petitioner indexes, the identity keys, and the
    confirmed identity links one step further.
    """
    by_id, by_phone, by_key = {}, {}, {}
    for person in people:
        id_number = _valid_id(person.id_number)
        if id_number:
            by_id[crypto.blind_index(normalize_id_number(id_number))] = True
            key = identity.name_birth_key(person.name, id_number)
            if key:
                by_key[key] = "name_birth_date"
        phone = _valid_phone(person.phone)
        if phone:
            by_phone[crypto.blind_index(normalize_phone(phone))] = True
        key = identity.name_address_key(person.name, person.address)
        if key:
            by_key[key] = "name_address"
    found: dict[int, IdentityMatch] = {}

    def offer(petitioner_id: int, method: str, reason: str | None = None, confidence: float | None = None) -> None:
        confidence = identity.CONFIDENCE[method] if confidence is None else confidence
        current = found.get(petitioner_id)
        if current is None or confidence > current.confidence:
            found[petitioner_id] = IdentityMatch(petitioner_id, method, confidence, reason or _METHOD_REASON[method])

    if by_id or by_phone:
        rows = Petitioner.objects.filter(
            Q(id_number_index__in=list(by_id)) | Q(phone_index__in=list(by_phone))
        ).values_list("pk", "id_number_index", "phone_index")[:limit]
        for pk, id_index, phone_index in rows:
            if id_index and id_index in by_id:
                offer(pk, "id_number")
            if phone_index and phone_index in by_phone:
                offer(pk, "phone")
    if by_key:
        for pk, value in IdentityKey.objects.filter(value__in=list(by_key)).values_list("petitioner_id", "value")[:limit]:
            offer(pk, by_key[value])
    if found:
        # One step along links found earlier (e.g. the same person under an old phone): weaker than either.
        linked = IdentityLink.objects.filter(
            Q(petitioner_a_id__in=list(found)) | Q(petitioner_b_id__in=list(found)), dismissed_at__isnull=True
        ).values_list("petitioner_a_id", "petitioner_b_id", "method", "confidence")[:limit]
        for a, b, method, confidence in linked:
            known, other = (a, b) if a in found else (b, a)
            if other in found:
                continue
            combined = round(min(found[known].confidence, confidence) * 0.9, 2)
            offer(other, found[known].method, confidence=combined,
                  reason=f"{found[known].reason}（经身份关联：{IdentityLink.Method(method).label}）")
    return found


# --- repeat candidates ---------------------------------------------------------------------------------

# Weights of the candidate score (docs/MATCHING.md). They add up to 1.
WEIGHTS = {
    "identity": 0.40,
    "text": 0.35,
    "complained_org": 0.08,
    "locality": 0.07,
    "category": 0.05,
    "time": 0.05,
}
# Shown when the score reaches this, and only with real evidence: the same person, or close text. A reworded
# repeat scores 0.3–0.6 against its original, and the index measured precision ≈ 0.99 at 0.3 (docs/SIMILARITY.md).
MIN_SCORE = 0.25
MIN_TEXT_ALONE = 0.3
RECENT_DAYS = 90
STALE_DAYS = 3 * 365


@dataclass(frozen=True)
class Draft:
    """What the clerk has typed so far (or an existing petition, for the case page)."""

    text: str = ""
    people: tuple[DraftPerson, ...] = ()
    locality_id: int | None = None
    category_id: int | None = None
    complained_org_id: int | None = None
    received_at: datetime | None = None
    exclude_petition_id: int | None = None


@dataclass(frozen=True)
class Candidate:
    petition_id: int
    number: str
    summary: str
    received_at: datetime
    status: str
    status_label: str
    registering_org: str
    matter_id: int
    matter_number: str
    matter_size: int
    score: float
    reasons: tuple[str, ...]
    text_similarity: float | None
    identity_method: str = ""
    is_final: bool = False
    final_message: str = ""
    final_rule: str = ""
    kind: str = judgement.REPEAT  # judgement.REPEAT, OTHER_MATTER or JOINT
    kind_label: str = "重复信访"
    matter_score: float = 0.0  # the judgement's calibrated probability of one matter

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


@dataclass(frozen=True)
class CandidateList:
    candidates: list[Candidate]  # the same petitioner's same matter: 重复信访
    notes: list[str] = field(default_factory=list)
    other_matters: list[Candidate] = field(default_factory=list)  # 此人其他信访事项
    joint: list[Candidate] = field(default_factory=list)  # other people, the same matter: 涉众/联名


def time_closeness(*, days: float) -> float:
    """1 within three months, falling linearly to 0 at three years apart."""
    days = abs(days)
    if days <= RECENT_DAYS:
        return 1.0
    if days >= STALE_DAYS:
        return 0.0
    return 1.0 - (days - RECENT_DAYS) / (STALE_DAYS - RECENT_DAYS)


def candidate_score(*, identity_confidence: float, text_similarity: float, same_complained_org: bool,
                    locality: float, category: float, time: float) -> float:
    """The weighted sum of the evidence, 0..1 (pure, so its properties are tested without a database)."""
    parts = {
        "identity": identity_confidence, "text": text_similarity, "complained_org": 1.0 if same_complained_org else 0.0,
        "locality": locality, "category": category, "time": time,
    }
    return round(sum(WEIGHTS[name] * min(max(value, 0.0), 1.0) for name, value in parts.items()), 3)


def _locality_closeness(a: tuple[int, str] | None, b: tuple[int, str] | None) -> float:
    """Closeness of two localities given as (id, tree path)."""
    if a is None or b is None:
        return 0.0
    if a[0] == b[0]:
        return 1.0
    # A village and its township: the same place seen at two levels.
    if a[1].startswith(b[1]) or b[1].startswith(a[1]):
        return 0.5
    return 0.0


# Candidates come from the fast indexes (identity, text, respondent, locality); the judgement re-ranks them.
# The text index is asked for looser matches than it would show alone: a reworded repeat scores 0.05–0.2 there.
CANDIDATE_MIN_SIMILARITY = 0.08
TEXT_CANDIDATES = 30  # the text index's best, judged
PERSON_CANDIDATES = 60  # the person's newest petitions judged
PLACE_CANDIDATES = 20  # newest petitions on the same respondent, and in the same locality, judged
PLACE_WINDOW_DAYS = 2 * 365
WORD_STATS_SAMPLE = 5000  # the office's newest petitions that give the word weights (IDF)
WORD_STATS_TTL = 3600.0  # seconds a process keeps them while petitions are added
_word_stats: dict = {}


def office_word_stats() -> judgement.WordStats:
    """Word weights from the office's own newest petitions, kept per process (recomputed when petitions were added
    and the hour is past, or at once while the office has few: each new petition changes a small corpus)."""
    cached = _word_stats.get("value")
    if (cached is not None and cached[1].documents >= WORD_STATS_SAMPLE
            and time.monotonic() - cached[2] < WORD_STATS_TTL):
        return cached[1]  # a large office within the hour: not even the newest id is asked
    newest = Petition.objects.aggregate(newest=Max("id"))["newest"] or 0
    if cached is not None and cached[0] == newest:
        return cached[1]
    # The words of each from its stored facts (words do not depend on the year), else read from its text now.
    rows = (Petition.objects.order_by("-id")
            .values_list("summary", "content", "demands", "matter_facts__version", "matter_facts__data")
            [:WORD_STATS_SAMPLE])
    stats = judgement.word_stats_from(
        stored.stored_words(data) if version == FACTS_VERSION else facts_of(
            "\n".join(part for part in (summary, content, demands) if part)).words
        for summary, content, demands, version, data in rows)
    _word_stats["value"] = (newest, stats, time.monotonic())
    return stats


# What repeat_candidates reads of a candidate row, as values (building ~100 model instances with their related
# rows was a third of the call). Not the content and demands: the facts come stored, and the few petitions without
# them have their texts read in one query (stored.py).
CANDIDATE_COLUMNS = (
    "pk", "number", "summary", "received_at", "status", "first_petition_id", "complained_org_id", "category_id",
    "locality_id", "registering_org__name", "locality__path", "category__parent_id",
    "matter_facts__version", "matter_facts__year", "matter_facts__data",
)
_STATUS_LABELS = dict(PetitionStatus.choices)


@dataclass(frozen=True, slots=True)
class _Row:
    """One candidate petition, as CANDIDATE_COLUMNS read it."""

    pk: int
    number: str
    summary: str
    received_at: datetime
    status: str
    first_petition_id: int | None
    complained_org_id: int | None
    category_id: int | None
    locality_id: int | None
    registering_org_name: str
    locality_path: str | None
    category_parent_id: int | None
    facts_version: int | None
    facts_year: int | None
    facts_data: str | None

    @property
    def stored_facts(self) -> stored.StoredRow:
        return stored.StoredRow(self.pk, self.received_at, self.facts_version, self.facts_year, self.facts_data)


@dataclass(frozen=True)
class _Judged:
    petition: _Row
    verdict: judgement.Judgement
    match: IdentityMatch | None
    similarity: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Seen:
    """What the actor may see of the candidates and their matters, from one scoped query."""

    ids: set[int]  # the visible candidates
    numbers: dict[int, str]  # visible roots: their numbers
    sizes: dict[int, int]  # root -> visible petitions naming it as their first petition


def _visible_part(*, visible: QuerySet, ids: set[int], root_ids: set[int]) -> _Seen:
    """One scoped query for the candidates and their matters (each scoped query compiles the actor's subtree
    again): which candidates the actor may see, the visible roots' numbers, and each matter's visible members,
    counted here (a matter has tens of petitions, not more)."""
    seen, numbers, sizes = set(), {}, {}
    for pk, first_id, number in (visible.filter(Q(pk__in=ids) | Q(pk__in=root_ids) | Q(first_petition_id__in=root_ids))
                                 .order_by().values_list("pk", "first_petition_id", "number")):
        if pk in ids:
            seen.add(pk)
        if pk in root_ids:
            numbers[pk] = number
        if first_id in root_ids:
            sizes[first_id] = sizes.get(first_id, 0) + 1
    return _Seen(seen, numbers, sizes)


def repeat_candidates(*, actor: User, draft: Draft, limit: int = 10) -> CandidateList:
    """Earlier petitions that may be the same matter as `draft`, judged (judgement.py), with reasons in Chinese.

    `candidates`: the same petitioner's same matter (重复信访), best first, one line per matter.
    `other_matters`: the same petitioner's other matters (此人其他信访事项), newest first; while the draft's text is
    too short to judge, all of the person's petitions are here. `joint`: the same matter told by other people
    (a 涉众/联名 candidate). Only petitions the actor may see are considered (Art 30 included). A fixed handful
    of indexed queries: identity, parties, text index, respondent, locality, the candidate rows, their matters.
    """
    notes: list[str] = []
    people = [person for person in draft.people if any((person.name, person.id_number, person.phone))]
    matches = identity_matches(people=people) if people else {}
    text = similar_to(text=draft.text, limit=TEXT_CANDIDATES, exclude_id=draft.exclude_petition_id,
                      min_similarity=CANDIDATE_MIN_SIMILARITY)
    if text.note:
        notes.append(text.note)
    judgeable = text_judgeable(draft.text)
    visible = petitions_visible_to(user=actor)
    if draft.exclude_petition_id:
        visible = visible.exclude(pk=draft.exclude_petition_id)
    received_at = draft.received_at or timezone.now()
    person_of_petition: dict[int, IdentityMatch] = {}
    if matches:
        # Newest first by id (ids follow registration), on the party's petitioner index alone: joining the
        # scope here made SQLite walk the petitions by date. The scope applies to the candidate rows below.
        parties = (PetitionParty.objects.filter(petitioner_id__in=list(matches))
                   .order_by("-petition_id").values_list("petition_id", "petitioner_id")[:300])
        for petition_id, petitioner_id in parties:
            match = matches[petitioner_id]
            current = person_of_petition.get(petition_id)
            if current is None or match.confidence > current.confidence:
                person_of_petition[petition_id] = match
        person_of_petition = dict(sorted(person_of_petition.items(), reverse=True)[:PERSON_CANDIDATES])
    ids = set(person_of_petition) | set(text.similarity)
    if judgeable:
        since = received_at - timedelta(days=PLACE_WINDOW_DAYS)
        for column, value in (("complained_org_id", draft.complained_org_id), ("locality_id", draft.locality_id)):
            if value:
                ids.update(Petition.objects.filter(**{column: value}, received_at__gte=since)
                           .order_by("-id").values_list("pk", flat=True)[:PLACE_CANDIDATES])
    ids.discard(draft.exclude_petition_id)
    if not ids:
        return CandidateList([], notes)
    # The rows are read without the scope and kept only if the one scoped query below (which also gives their
    # matters' visible numbers and sizes) names them: nothing of a petition the actor may not see is used.
    rows = [_Row(*values) for values in Petition.objects.filter(pk__in=ids).order_by().values_list(*CANDIDATE_COLUMNS)]
    roots = _roots_of(rows)
    seen = _visible_part(visible=visible, ids=ids, root_ids=set(roots.values()))
    rows = [row for row in rows if row.pk in seen.ids]
    locality = None
    if draft.locality_id:
        locality = Org.objects.filter(pk=draft.locality_id).values_list("pk", "path").first()
    category_parent = None
    if draft.category_id:
        category_parent = Category.objects.filter(pk=draft.category_id).values_list("parent_id", flat=True).first()
    stats = office_word_stats() if judgeable else judgement.EMPTY_STATS
    draft_facts = facts_of(draft.text or "", received_at.year)
    draft_vector = judgement.word_vector(draft_facts, stats)
    facts_of_row = stored.facts_of_rows([row.stored_facts for row in rows]) if judgeable else {}
    judged: list[_Judged] = []
    for petition in rows:
        match = person_of_petition.get(petition.pk)
        similarity = text.similarity.get(petition.pk)
        same_org = bool(draft.complained_org_id) and petition.complained_org_id == draft.complained_org_id
        place = _locality_closeness(
            locality, (petition.locality_id, petition.locality_path) if petition.locality_id else None)
        if draft.category_id and petition.category_id == draft.category_id:
            category = 1.0
        elif category_parent and petition.category_parent_id == category_parent:
            category = 0.5
        else:
            category = 0.0
        days = (received_at - petition.received_at).total_seconds() / 86400
        context = judgement.Context(
            same_respondent=same_org if draft.complained_org_id and petition.complained_org_id else None,
            same_category=category == 1.0 if draft.category_id else None,
            same_locality=place == 1.0 if locality else None)
        if judgeable:
            verdict = judgement.judge_facts(
                draft_facts, facts_of_row[petition.pk],
                same_person=match is not None, person_reason=match.reason if match else "", stats=stats,
                context=context, a_vector=draft_vector)
        elif match is not None:
            verdict = judgement.Judgement(judgement.OTHER_MATTER, 0.0, False, True,
                                          (f"同一信访人（{match.reason}）", "信访内容未填写，尚未判断是否同一事项"), {})
        else:
            continue
        if verdict.kind == judgement.UNRELATED:
            continue
        reasons = list(verdict.reasons)
        if verdict.same_matter:
            if place == 1.0:
                reasons.append("同一问题属地")
            elif place:
                reasons.append("问题属地相邻层级")
        reasons.append(f"相隔{abs(int(days))}天" if abs(days) >= 1 else "同日")
        judged.append(_Judged(petition, verdict, match, similarity, tuple(reasons)))
    if not judged:
        return CandidateList([], notes)
    lists = _one_line_per_matter(judged=judged, roots=roots, seen=seen)
    by_score = sorted(lists.get(judgement.REPEAT, []), key=lambda c: (-c.score, -c.petition_id))
    by_date = sorted(lists.get(judgement.OTHER_MATTER, []), key=lambda c: (c.received_at, c.petition_id), reverse=True)
    joint = sorted(lists.get(judgement.JOINT, []), key=lambda c: (-c.score, -c.petition_id))
    return CandidateList(by_score[:limit], notes, other_matters=by_date[:limit], joint=joint[:limit])


def _one_line_per_matter(*, judged: list[_Judged], roots: dict[int, int], seen: _Seen) -> dict[str, list[Candidate]]:
    """Candidates by kind, one line per matter and kind (its best-judged petition), with the matter's size and
    finality as the actor may be told them."""
    # A matter is named by its first petition only if the actor may see that one too; its size counts the
    # petitions the actor may see. Nothing says that more exist.
    root_ids = {roots[item.petition.pk] for item in judged}
    finals = {}
    for pk, root_id in (Petition.objects.filter(Q(pk__in=root_ids) | Q(first_petition_id__in=root_ids),
                                                status=PetitionStatus.FINAL)
                        .values_list("pk", "first_petition_id")):
        finals[root_id or pk] = True
    best: dict[tuple[str, int], Candidate] = {}
    for item in sorted(judged, key=lambda i: (-i.verdict.matter_score, -i.petition.pk)):
        petition, verdict = item.petition, item.verdict
        root_id = roots[petition.pk]
        if (verdict.kind, root_id) in best:
            continue
        is_final = finals.get(root_id, False)
        root_visible = root_id in seen.numbers
        # Linking to any petition of a matter links to its first petition, so a visible member stands in.
        best[(verdict.kind, root_id)] = Candidate(
            petition_id=petition.pk, number=petition.number, summary=petition.summary,
            received_at=petition.received_at, status=petition.status,
            status_label=_STATUS_LABELS.get(petition.status, petition.status),
            registering_org=petition.registering_org_name, matter_id=root_id if root_visible else petition.pk,
            matter_number=seen.numbers.get(root_id, petition.number),
            matter_size=(1 if root_visible else 0) + seen.sizes.get(root_id, 0),
            score=verdict.matter_score, reasons=item.reasons, text_similarity=item.similarity,
            identity_method=item.match.method if item.match else "", is_final=is_final,
            final_message=FINAL_MESSAGE if is_final else "", final_rule=FINAL_RULE if is_final else "",
            kind=verdict.kind, kind_label=verdict.label, matter_score=verdict.matter_score,
        )
    out: dict[str, list[Candidate]] = {}
    for (kind, _), candidate in best.items():
        out.setdefault(kind, []).append(candidate)
    return out


def same_matter_ids(*, petition: Petition, candidate_ids: list[int]) -> list[int]:
    """Of `candidate_ids`, the petitions the judgement takes for the same matter as `petition`, whoever tells it
    (at the 涉众 level: for mass-matter clustering). No scope: derived data, not shown to anyone."""
    text = petition_text(petition)
    if not candidate_ids or not text_judgeable(text):
        return []
    stats = office_word_stats()
    own = facts_of(text, timezone.localtime(petition.received_at).year)
    out = []
    for other in Petition.objects.filter(pk__in=candidate_ids).select_related("matter_facts").only(
            "pk", "summary", "content", "demands", "received_at", "complained_org_id", "category_id",
            "matter_facts__version", "matter_facts__year", "matter_facts__data"):
        context = judgement.Context(
            same_respondent=(other.complained_org_id == petition.complained_org_id
                             if other.complained_org_id and petition.complained_org_id else None),
            same_category=other.category_id == petition.category_id)
        verdict = judgement.judge_facts(own, stored.petition_facts(other, stored=stored.row_of(other)),
                                        same_person=False, stats=stats, context=context)
        if verdict.same_matter:
            out.append(other.pk)
    return out


def _roots_of(petitions: list) -> dict[int, int]:
    """Root of each petition's matter; deeper chains (from imports) are followed one query per level."""
    roots = {petition.pk: petition.first_petition_id or petition.pk for petition in petitions}
    pending = {pk: root for pk, root in roots.items() if root != pk}
    for _ in range(MAX_CHAIN_DEPTH):
        if not pending:
            break
        parents = dict(Petition.objects.filter(pk__in=set(pending.values()), first_petition__isnull=False)
                       .values_list("pk", "first_petition_id"))
        pending = {pk: parents[root] for pk, root in pending.items() if root in parents and parents[root] != pk}
        roots.update(pending)
    return roots


def draft_of_petition(*, petition: Petition) -> Draft:
    """The draft a registered petition would have been: to look for its candidates on the case page."""
    people = tuple(
        DraftPerson(name=party.petitioner.name, id_number=party.petitioner.id_number,
                    phone=party.petitioner.phone, address=party.petitioner.address)
        for party in petition.parties.select_related("petitioner")
    )
    return Draft(text=petition_text(petition), people=people, locality_id=petition.locality_id,
                 category_id=petition.category_id, complained_org_id=petition.complained_org_id,
                 received_at=petition.received_at, exclude_petition_id=petition.pk)


# --- identity links and merges -------------------------------------------------------------------------


def identity_links_of(*, petitioner_ids: list[int], user: User | None = None) -> QuerySet[IdentityLink]:
    """Active links touching these petitioners, strongest first; with `user`, only links between people
    the user may see (a link to a record known only from an accusation would point at the whistle-blower)."""
    links = IdentityLink.objects.filter(
        Q(petitioner_a_id__in=petitioner_ids) | Q(petitioner_b_id__in=petitioner_ids), dismissed_at__isnull=True
    )
    if user is not None:
        seen = visible_petitioner_ids(user=user)
        links = links.filter(petitioner_a_id__in=seen, petitioner_b_id__in=seen)
    return links.select_related("petitioner_a", "petitioner_b").order_by("-confidence", "id")


def merges_of(*, petitioner_ids: list[int], user: User | None = None) -> QuerySet[PetitionerMerge]:
    merges = PetitionerMerge.objects.filter(Q(source_id__in=petitioner_ids) | Q(target_id__in=petitioner_ids))
    if user is not None:
        # A merged record's parties moved to the target: the source is seen through the target.
        seen = visible_petitioner_ids(user=user)
        merges = merges.filter(target_id__in=seen)
    return merges.select_related("source", "target", "merged_by", "unmerged_by").order_by("-merged_at", "-id")


def visible_petitioner_ids(*, user: User) -> QuerySet:
    """Ids of the petitioners of petitions the user may see (a subquery)."""
    return PetitionParty.objects.filter(petition__in=petitions_visible_to(user=user)).values("petitioner_id")


def petitioner_visible_to(*, user: User, petitioner_id: int) -> bool:
    """A petitioner is visible through any petition of theirs the user may see."""
    return PetitionParty.objects.filter(
        petitioner_id=petitioner_id, petition__in=petitions_visible_to(user=user)
    ).exists() or PetitionerMerge.objects.filter(
        source_id=petitioner_id, unmerged_at__isnull=True,
        target__parties__petition__in=petitions_visible_to(user=user),
    ).exists()


# --- mass matters --------------------------------------------------------------------------------------


# Many different petitioners: at least this many distinct people make a mass matter, for the clustering and
# for each reader (who sees a mass matter only if the part they may see is one).
CLUSTER_MIN_PETITIONERS = 3


@dataclass(frozen=True)
class ClusterView:
    """A mass matter as one user may see it: title, place and every figure come from the member petitions
    that user may see, never from the stored totals (an accusation must not lend a cluster its title, its
    text or its count to the accused unit)."""

    pk: int
    title: str
    locality: Org
    complained_org: Org | None
    petition_count: int
    petitioner_count: int
    person_times: int
    first_received_at: datetime
    last_received_at: datetime


def cluster_views(*, user: User, cluster_ids: list[int] | None = None, limit: int = 200) -> list[ClusterView]:
    """The mass matters the user may see, newest first, each computed from its visible members only.

    A cluster whose visible part has fewer than CLUSTER_MIN_PETITIONERS distinct petitioners is not a mass
    matter to this reader and is not shown. Four grouped queries, whatever the number of clusters.
    """
    members = petitions_visible_to(user=user).filter(mass_clusters__isnull=False)
    if cluster_ids is not None:
        members = members.filter(mass_clusters__in=cluster_ids)
    figures = {row["mass_clusters"]: row for row in members.values("mass_clusters").annotate(
        n=Count("id"), person_times=Sum("person_times"), first=Min("received_at"), last=Max("received_at"))}
    people = dict(PetitionParty.objects.filter(petition__in=members).values("petition__mass_clusters")
                  .annotate(n=Count("petitioner_id", distinct=True)).values_list("petition__mass_clusters", "n"))
    shown = sorted((pk for pk in figures if people.get(pk, 0) >= CLUSTER_MIN_PETITIONERS),
                   key=lambda pk: (figures[pk]["last"], pk), reverse=True)[:limit]
    if not shown:
        return []
    # The earliest visible member names the matter and gives its place, as the earliest member does for all.
    anchors = dict(MassCluster.objects.filter(pk__in=shown).annotate(anchor=Subquery(
        petitions_visible_to(user=user).filter(mass_clusters=OuterRef("pk")).order_by("received_at", "id")
        .values("pk")[:1])).values_list("pk", "anchor"))
    petitions = Petition.objects.select_related("locality", "complained_org").in_bulk(list(anchors.values()))
    views = []
    for pk in shown:
        anchor = petitions[anchors[pk]]
        row = figures[pk]
        views.append(ClusterView(
            pk=pk, title=anchor.summary[:200], locality=anchor.locality, complained_org=anchor.complained_org,
            petition_count=row["n"], petitioner_count=people[pk], person_times=row["person_times"] or 0,
            first_received_at=row["first"], last_received_at=row["last"],
        ))
    return views


def cluster_view(*, user: User, cluster_id: int) -> ClusterView | None:
    views = cluster_views(user=user, cluster_ids=[cluster_id], limit=1)
    return views[0] if views else None


def cluster_of_petition(*, user: User, petition: Petition) -> ClusterView | None:
    """The mass matter a (visible) petition belongs to, as this user may see it."""
    cluster_id = MassCluster.objects.filter(members__petition=petition).values_list("pk", flat=True).first()
    return None if cluster_id is None else cluster_view(user=user, cluster_id=cluster_id)


@dataclass(frozen=True)
class MonthRow:
    month: str
    petitions: int
    petitioners: int
    person_times: int


def cluster_months(*, cluster: ClusterView, user: User) -> list[MonthRow]:
    """Petitions, distinct new petitioners and person-times per month of a mass matter (visible part)."""
    petitions = list(
        petitions_visible_to(user=user).filter(mass_clusters=cluster.pk)
        .order_by("received_at", "id").values_list("pk", "received_at", "person_times")
    )
    parties: dict[int, list[int]] = {}
    for petition_id, petitioner_id in PetitionParty.objects.filter(
        petition_id__in=[pk for pk, *_ in petitions]
    ).values_list("petition_id", "petitioner_id"):
        parties.setdefault(petition_id, []).append(petitioner_id)
    months: dict[str, list[int]] = {}
    seen: set[int] = set()
    for pk, received_at, person_times in petitions:
        month = timezone.localtime(received_at).strftime("%Y-%m")
        row = months.setdefault(month, [0, 0, 0])
        row[0] += 1
        new = set(parties.get(pk, [])) - seen
        seen.update(new)
        row[1] += len(new)
        row[2] += person_times
    return [MonthRow(month, *values) for month, values in months.items()]
