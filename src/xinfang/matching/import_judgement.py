"""The same-matter judgement for imported petitions, in batches (docs/IMPORT.md, "初件/重件 and 越级").

Registration never links a repeat by itself: it shows the judgement's candidates and the clerk confirms
(`RepeatIntent`, matching/receivers.py). An import does the same: for a row that brings no 重复信访关联编号 it
finds what registration would have listed first under "可能的重复信访" — the same petitioner's earlier petition
that the judgement takes for the same matter — and returns it as a *proposal*; the exchange app stores it for
the clerk's review and changes no statistic (`first_petition` stays as the file says).

The candidates are registration's REPEAT candidates: only the same petitioner can make a repeat, so they come
from the identity side alone (the same petitioner record, found by ID number, and its confirmed identity links
one step), the person's newest PERSON_CANDIDATES petitions, received before the row and not later in the
file. The verdict is `judgement.judge_facts` with the office's word weights and the same context
(respondent, category, locality) as `selectors.repeat_candidates`, on the facts stored with each petition
(`stored.petition_facts`: the bulk import stores the batch's before it judges; jieba runs only for a petition
without a current row). A fixed handful of queries per batch.
"""

from dataclasses import dataclass

from django.db.models import Q

from xinfang.matching import judgement
from xinfang.matching.models import IdentityLink, MatterFacts, SkipLevelMark
from xinfang.matching.selectors import MAX_CHAIN_DEPTH, PERSON_CANDIDATES, office_word_stats
from xinfang.matching.stored import petition_facts
from xinfang.matching.text import petition_text, text_judgeable
from xinfang.orgs.models import Org
from xinfang.petitions.models import Petition, PetitionParty

CANDIDATE_FIELDS = ("pk", "number", "summary", "content", "demands", "received_at", "complained_org_id",
                    "category_id", "locality_id", "registering_org_id", "first_petition_id", "petition_type")


@dataclass(frozen=True)
class RepeatFinding:
    """The judgement's proposal: `petition_id` is probably a 重件 of the matter whose first petition is `first_id`."""

    petition_id: int
    candidate_id: int  # the earlier petition judged the same matter (the best one)
    candidate_number: str
    first_id: int  # the first petition (初件) of that matter: what confirming links to
    first_number: str
    matter_score: float
    reasons: tuple[str, ...]
    skip_level_note: str = ""  # what confirming would change in 越级, if anything

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


def _people(petition_ids: list[int]) -> tuple[dict[int, list[int]], dict[int, dict[int, str]]]:
    """Each petition's petitioner ids, and for each petitioner the records taken for the same person with the
    reason (the record itself; its confirmed identity links, one step). Ids and blind indexes only: nothing
    personal is decrypted."""
    parties: dict[int, list[int]] = {}
    same: dict[int, dict[int, str]] = {}
    for petition_id, person, id_index in PetitionParty.objects.filter(petition_id__in=petition_ids).values_list(
            "petition_id", "petitioner_id", "petitioner__id_number_index"):
        parties.setdefault(petition_id, []).append(person)
        same[person] = {person: "同一身份证号" if id_index else "同一信访人档案"}
    if same:
        links = IdentityLink.objects.filter(
            Q(petitioner_a_id__in=list(same)) | Q(petitioner_b_id__in=list(same)), dismissed_at__isnull=True
        ).values_list("petitioner_a_id", "petitioner_b_id", "method", "reason")
        for a, b, method, reason in links:
            text = reason or IdentityLink.Method(method).label
            for known, other in ((a, b), (b, a)):
                if known in same:
                    same[known].setdefault(other, text)
    return parties, same


def _roots(petition_ids: set[int], rows: dict[int, Petition]) -> dict[int, int]:
    """The first petition of each one's matter, following `first_petition` (imports may point at a repeat)."""
    parent = {pk: rows[pk].first_petition_id for pk in petition_ids if pk in rows}
    roots = {}
    for pk in petition_ids:
        current, seen = pk, {pk}
        for _ in range(MAX_CHAIN_DEPTH):
            if current not in parent:
                parent.update(dict(Petition.objects.filter(pk=current).values_list("pk", "first_petition_id")))
            nxt = parent.get(current)
            if nxt is None or nxt in seen:
                break
            seen.add(nxt)
            current = nxt
        roots[pk] = current
    return roots


def _skip_level_if_linked(petition: Petition, first_id: int, mark: SkipLevelMark | None) -> str:
    """If the petition is 越级 by the rule, whether confirming the link would show the lower level asked first
    (the rule of `services.skip_level_assess`, on the matter the judgement found)."""
    if not petition.is_skip_level or mark is None or not mark.is_skip_level or mark.lower_org_id is None:
        return ""
    lower = Org.objects.filter(pk=mark.lower_org_id).first()
    members = {first_id} | set(Petition.objects.filter(first_petition_id=first_id).values_list("pk", flat=True))
    earlier = (Petition.objects.filter(pk__in=members, registering_org__path__startswith=lower.path,
                                       received_at__lte=petition.received_at)
               .exclude(pk=petition.pk).order_by("received_at", "id").values_list("number", flat=True).first())
    if earlier is None:
        return ""
    return f"确认后不属越级：该事项已向{lower.name}及以下机关提出（{earlier}）"


def judge_imported(*, petitions: list[Petition]) -> dict[int, RepeatFinding]:
    """Proposals for imported petitions (in file order, already written, without a 初件 of their own).

    A petition is judged against the same petitioner's petitions received before it that are not later in
    `petitions` (so a batch and the row-by-row import see the same candidates). Returns {petition id: finding}
    for those whose best candidate the judgement takes for the same matter (REPEAT at SAME_MATTER_LEVEL).
    """
    judged = [p for p in petitions if p.first_petition_id is None]
    if not judged:
        return {}
    position = {p.pk: index for index, p in enumerate(petitions)}
    parties, same = _people([p.pk for p in judged])
    person_ids = {other for people in same.values() for other in people}
    if not person_ids:
        return {}
    # Each person's newest petitions (ids follow registration), as registration's candidate stage takes them.
    of_person: dict[int, list[int]] = {}
    for petition_id, petitioner_id in (PetitionParty.objects.filter(petitioner_id__in=person_ids)
                                       .order_by("-petition_id").values_list("petition_id", "petitioner_id")):
        ids = of_person.setdefault(petitioner_id, [])
        if len(ids) < PERSON_CANDIDATES * 2:  # room for the rows of this batch, which come first
            ids.append(petition_id)
    wanted = {pk for ids in of_person.values() for pk in ids}
    rows = {p.pk: p for p in petitions}  # the rows of this call are at hand; only earlier petitions are read
    rows.update((p.pk, p) for p in Petition.objects.filter(pk__in=wanted - set(rows)).only(*CANDIDATE_FIELDS))
    marks = {m.petition_id: m for m in SkipLevelMark.objects.filter(petition_id__in=[p.pk for p in judged])}
    findings: dict[int, tuple] = {}
    pairs: dict[int, dict[int, str]] = {}  # petition → its candidates, with the reason they are the same person
    for petition in judged:
        own_key = (petition.received_at, petition.pk)
        reason_of: dict[int, str] = {}
        for person in parties.get(petition.pk, []):
            for other, reason in same.get(person, {}).items():
                count = 0
                for candidate_id in of_person.get(other, []):
                    candidate = rows.get(candidate_id)
                    if (candidate is None or candidate_id == petition.pk
                            or position.get(candidate_id, -1) > position[petition.pk]
                            or (candidate.received_at, candidate.pk) >= own_key):
                        continue
                    count += 1
                    if count > PERSON_CANDIDATES:
                        break
                    reason_of.setdefault(candidate_id, reason)
        if reason_of and text_judgeable(petition_text(petition)):
            pairs[petition.pk] = reason_of
    if not pairs:
        return {}
    # The facts stored with each petition (the bulk import has just stored the batch's): jieba runs only for a
    # petition without a current row (stored.petition_facts).
    needed = set(pairs) | {pk for reason_of in pairs.values() for pk in reason_of}
    stored = MatterFacts.objects.in_bulk(list(needed))
    stats = office_word_stats()
    for petition in judged:
        reason_of = pairs.get(petition.pk)
        if reason_of is None:
            continue
        own = petition_facts(petition, stored=stored.get(petition.pk))
        best = None
        for candidate_id, person_reason in reason_of.items():
            candidate = rows[candidate_id]
            context = judgement.Context(
                same_respondent=(candidate.complained_org_id == petition.complained_org_id
                                 if candidate.complained_org_id and petition.complained_org_id else None),
                same_category=candidate.category_id == petition.category_id,
                same_locality=candidate.locality_id == petition.locality_id)
            verdict = judgement.judge_facts(
                own, petition_facts(candidate, stored=stored.get(candidate_id)),
                same_person=True, person_reason=person_reason, stats=stats, context=context)
            if verdict.kind == judgement.REPEAT and (
                    best is None or (verdict.matter_score, candidate.pk) > (best[1].matter_score, best[0].pk)):
                best = (candidate, verdict)
        if best is None:
            continue
        candidate, verdict = best
        reasons = list(verdict.reasons)
        if candidate.locality_id == petition.locality_id:
            reasons.append("同一问题属地")
        days = abs(int((petition.received_at - candidate.received_at).total_seconds() // 86400))
        reasons.append(f"相隔{days}天" if days else "同日")
        findings[petition.pk] = (candidate, verdict, tuple(reasons))
    roots = _roots({candidate.pk for candidate, _, _ in findings.values()}, rows)
    numbers = dict(Petition.objects.filter(pk__in=set(roots.values())).values_list("pk", "number"))
    out = {}
    for petition in judged:
        if petition.pk not in findings:
            continue
        candidate, verdict, reasons = findings[petition.pk]
        first_id = roots[candidate.pk]
        out[petition.pk] = RepeatFinding(
            petition_id=petition.pk, candidate_id=candidate.pk, candidate_number=candidate.number,
            first_id=first_id, first_number=numbers.get(first_id, candidate.number),
            matter_score=verdict.matter_score, reasons=reasons,
            skip_level_note=_skip_level_if_linked(petition, first_id, marks.get(petition.pk)))
    return out
