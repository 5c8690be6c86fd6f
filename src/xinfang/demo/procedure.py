"""Carry generated petitions through the procedure, so the demo shows states, clocks and letters.

Every step goes through `workflow.services.petition_act` with the demo accounts and realistic dates
(received + a few days to forward, weeks to handle, some late, some extended, some reviewed); a step
whose date would be after `today` is not taken, so recent petitions are still in progress. About 10 ms an
action on SQLite (5 actions a petition): meant for demo sizes (thousands), not for the million-row benchmark.

Each petition's story draws from its own random stream (seed and petition number), so the stories do not
depend on the order or the runs they are told in: `xinfang demo` tells the newest ones before it serves and
the rest in a background process, and gets the same data as one run from oldest to newest.
"""

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from xinfang.demo.district import DemoDistrict
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Petition, PetitionStatus, PetitionType
from xinfang.workflow.clocks import clock_start
from xinfang.workflow.models import Clock
from xinfang.workflow.services import petition_act

# Which department handles a matter located at district level, by first-level category code.
DEPARTMENT_BY_CATEGORY = {"01": "zhujian", "02": "guizi", "03": "renshe", "04": "nongye", "08": "minzheng",
                          "09": "jiaowei", "10": "weijian", "13": "shengtai", "14": "shichang"}
OUTCOMES = {
    PetitionType.GRIEVANCE: (("supported", 30), ("partly_supported", 20), ("explained", 35), ("not_supported", 15)),
    PetitionType.SUGGESTION: (("adopted", 30), ("partly_adopted", 30), ("not_adopted", 40)),
    PetitionType.ACCUSATION: (("substantiated", 20), ("partly_substantiated", 25), ("unsubstantiated", 55)),
}
RATINGS = (("satisfied", 72), ("mostly_satisfied", 19), ("dissatisfied", 9))
FACTS = "经调查核实，信访人反映的情况基本属实，相关单位已说明情况。"
DECISIONS = {"supported": "支持信访人的合理诉求，责成相关单位限期解决。", "not_supported": "信访人的请求缺乏事实和法律依据，不予支持，并做好解释疏导。"}
LEGAL_BASIS = "《信访工作条例》及相关法律法规"


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass
class _Run:
    district: DemoDistrict
    rng: random.Random
    today: date
    counts: Counter

    def user(self, username: str) -> User:
        return self.district.users[username]

    def handling_org(self, petition: Petition) -> tuple[Org, User]:
        ancestors = set(petition.locality.ancestor_ids)
        for township in self.district.townships:
            if township.org.pk in ancestors:
                return township.org, self.user(township.slug)
        slug = DEPARTMENT_BY_CATEGORY.get(petition.category.code[:2], "renshe")
        return self.district.departments[slug], self.user(slug)

    def step(self, petition: Petition, action: str, actor: User, on: date, **values) -> bool:
        """Take one action if its date has come; False once the story reaches today."""
        if on > self.today:
            return False
        # Generated history, not a unit entering late: no 补录 (workflow.services.check_late_entry).
        petition_act(petition_id=petition.pk, action=action, actor=actor, values=values, acted_on=on, replaying=True)
        self.counts[action] += 1
        return True


def _story(run: _Run, petition: Petition) -> None:
    rng, district = run.rng, run.district
    received = timezone.localtime(petition.received_at).date()
    reviewer, clerk = run.user("reviewer"), run.user("clerk")
    # Bulk-generated petitions skipped registration's signal: start the office's clock as registration does.
    clock_start(petition=petition, kind=Clock.Kind.DISPOSITION, org=petition.registering_org, started_on=received)
    disposed = received + timedelta(days=rng.choice((0, 1, 1, 2, 3, 5)) if rng.random() > 0.03 else rng.randint(16, 25))
    if petition.litigation_related:
        run.step(petition, "redirect", reviewer, disposed, legal_pathway="litigation",
                 pathway_org=district.departments["fayuan"].pk)
        return
    if rng.random() < 0.06:
        run.step(petition, "reject", reviewer, disposed, rejection_reason=rng.choice(("not_a_petition", "legal_procedure")))
        return
    if petition.petition_type == PetitionType.ACCUSATION and petition.complained_org_id:
        org, handler = district.departments["jiwei"], run.user("jiwei")
    else:
        org, handler = run.handling_org(petition)
    assigned = rng.random() < 0.2
    if assigned:
        sent = run.step(petition, "assign", reviewer, disposed, handling_org=org.pk, report_days=60)
    else:
        sent = run.step(petition, "forward", reviewer, disposed, handling_org=org.pk)
    if not sent:
        return
    accepted_on = disposed + timedelta(days=rng.randint(1, 6))
    if not run.step(petition, "accept", handler, accepted_on):
        return
    # 青石镇 works as a unit with a head and a handler: the head assigns, the handler investigates and drafts,
    # the head signs (sometimes after returning the draft). Elsewhere one account does both.
    in_qingshi = org.pk == district.users["handler"].org_id
    head, assignee = (run.user("head"), run.user("handler")) if in_qingshi else (handler, handler)
    if not run.step(petition, "assign_handler", head, accepted_on, assignee=assignee.pk):
        return
    late = rng.random() < 0.06
    handled_days = rng.randint(61, 85) if late else rng.randint(12, 55)
    handling_since = accepted_on  # the last step before the decision: acceptance or the extension
    if rng.random() < 0.05:
        extension = rng.randint(15, 30)
        handling_since = accepted_on + timedelta(days=45)
        if not run.step(petition, "extend", handler, handling_since, days=extension,
                        reason="案情复杂，需进一步调查核实"):
            return
        handled_days = rng.randint(60, 60 + extension)
    outcome = _pick(rng, OUTCOMES[petition.petition_type])
    replied_on = accepted_on + timedelta(days=handled_days)
    reply = {"outcome": outcome, "facts": FACTS, "legal_basis": LEGAL_BASIS,
             "decision": DECISIONS.get(outcome, "依据调查结果作出处理意见，并向信访人说明。")}
    if in_qingshi:
        if not _drafted_and_signed(run, petition, head, assignee, handling_since, replied_on, reply):
            return
    elif not run.step(petition, "reply", handler, replied_on, **reply):
        return
    delivered_on = replied_on + timedelta(days=rng.randint(1, 6))
    if not run.step(petition, "deliver", handler, delivered_on, delivery_method=rng.choice(("in_person", "post"))):
        return
    # No step is dated before the one it follows (workflow.services.check_after_previous_step).
    last_on = delivered_on
    if assigned:
        reported_on = delivered_on + timedelta(days=rng.randint(1, 5))
        if run.step(petition, "report_back", handler, reported_on, report="已按要求办结并送达处理意见书。"):
            last_on = reported_on
    if rng.random() < 0.04:
        reviewing = district.government
        requested_on = max(last_on, delivered_on + timedelta(days=rng.randint(5, 25)))
        if run.step(petition, "request_review", reviewer, requested_on, reviewing_org=reviewing.pk):
            run.step(petition, "decide_review", run.user("fucha"), requested_on + timedelta(days=rng.randint(10, 28)),
                     review_outcome=_pick(rng, (("uphold", 80), ("modify", 12), ("revoke", 8))),
                     reasons="原处理意见认定事实清楚，适用依据正确。")
        return
    if rng.random() < 0.8:
        run.step(petition, "evaluate", clerk, max(last_on, delivered_on + timedelta(days=rng.randint(1, 25))),
                 rating=_pick(rng, RATINGS), rated_by="petitioner" if rng.random() < 0.7 else "staff")
    run.step(petition, "close", handler, delivered_on + timedelta(days=rng.randint(26, 35)))


def pending_petitions(*, district: DemoDistrict):
    """The demo office's generated petitions whose story has not been told yet (registered, no clock).

    A petition registered through the site has its clock from registration, so it is never pending; a story
    interrupted by Ctrl+C was rolled back whole, so its petition is pending again.
    """
    return Petition.objects.filter(registering_org=district.office, status=PetitionStatus.REGISTERED,
                                   clocks__isnull=True)


def progress_petitions(
    *, district: DemoDistrict, seed: int, today: date | None = None,
    progress: Callable[[int, Counter], None] | None = None, newest_first: bool = False, limit: int | None = None,
) -> Counter:
    """Take registered, clock-less petitions of the demo office as far through the procedure as today allows.

    All of them, oldest first, unless `newest_first` and `limit` say otherwise. `progress(done, counts)` is
    called after each petition (callers decide how often to print).
    """
    run = _Run(district=district, rng=random.Random(seed), today=today or timezone.localdate(), counts=Counter())
    order = ("-received_at", "-id") if newest_first else ("received_at", "id")
    pending = (pending_petitions(district=district)
               .select_related("locality", "category", "registering_org").order_by(*order))
    if limit is not None:
        pending = pending[:limit]
    # The ids first, then the rows a chunk at a time into lists: no cursor stays open across the stories'
    # write transactions. (On SQLite an open read would pin a snapshot, and once another process — the task
    # worker — commits, the next write here fails at once with "database is locked", whatever the timeout.)
    ids = list(pending.values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), 200):
        chunk = ids[start:start + 200]
        rows = Petition.objects.select_related("locality", "category", "registering_org").in_bulk(chunk)
        for petition in (rows[pk] for pk in chunk):
            done += 1
            # The petition's own stream: its story is the same whichever run, and in which order, tells it.
            run.rng = random.Random(f"{seed}:{petition.number}")
            with transaction.atomic():  # one story per transaction: a failure leaves no half-told story
                _story(run, petition)
            if done % 20 == 0:
                time.sleep(0.02)  # SQLite has one writer: let the site and the task worker take their turn
            if progress is not None:
                progress(done, run.counts)
    return run.counts


def _drafted_and_signed(run: _Run, petition: Petition, head: User, assignee: User, since: date,
                        replied_on: date, reply: dict) -> bool:
    """The handler's investigation and draft, the head's signature (a draft in ten is returned once)."""
    rng = run.rng
    gap = max((replied_on - since).days, 3)
    visited_on = min(since + timedelta(days=rng.randint(1, gap // 3 or 1)), replied_on)
    if not run.step(petition, "investigate", assignee, visited_on, investigation_method=rng.choice(
            ("site_visit", "interview", "phone", "records")),
            investigation_note="到现场查看并听取信访人和相关单位意见，调取有关材料。"):
        return False
    drafted_on = max(visited_on, replied_on - timedelta(days=rng.randint(1, 3)))
    if not run.step(petition, "draft_reply", assignee, drafted_on, **reply):
        return False
    if rng.random() < 0.1:
        if not run.step(petition, "return_draft", head, drafted_on, reason="请补充调查核实的经过和依据。"):
            return False
        if not run.step(petition, "draft_reply", assignee, replied_on, **reply):
            return False
    return run.step(petition, "approve_reply", head, replied_on)
