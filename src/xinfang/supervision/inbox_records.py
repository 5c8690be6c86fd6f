"""The inbox's steps that are not the rules table's: records addressed to the user's unit, and the supervisor's.

- 督办待回复, 建议待答复, 整改待报告, 批示待落实: open 督办, 三项建议, 约谈/限期整改 and 领导批示 routed to the
  user's own unit, for its heads (only the head of the unit addressed answers them: services_records,
  services_accountability, services_instructions), overdue first;
- 超期待督办: for a 督查督办员 of a petition office, the matters in its scope whose statutory clock has run past
  its due date, the most overdue first, with whether a 督办 is already open on each.
Visibility is the records' own selectors (petitions_visible_to underneath: Art 30).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from xinfang.orgs.models import Org, Role, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision.accountability import Rectification
from xinfang.supervision.instructions import Instruction
from xinfang.supervision.records import Recommendation, RecordStatus, Supervision
from xinfang.supervision.selectors_accountability import rectifications_visible_to
from xinfang.supervision.selectors_instructions import instructions_pending_for
from xinfang.supervision.selectors_records import recommendations_visible_to, supervisions_visible_to
from xinfang.workflow.clocks import OPTIONAL_WINDOWS
from xinfang.workflow.models import Clock, Recusal


@dataclass(frozen=True)
class ExtraStep:
    key: str
    label: str
    help: str


EXTRA_STEPS: tuple[ExtraStep, ...] = (
    ExtraStep("supervision_reply", "督办待回复", "督查督办员发给本单位、尚未回复的督办（由本单位负责人回复）"),
    ExtraStep("recommendation_reply", "建议待答复", "信访部门向本单位提出、尚未书面答复的三项建议（第四十条）"),
    ExtraStep("rectification_report", "整改待报告",
              "约谈或限期整改本单位、尚未报送整改情况的（验收未通过的重新整改也在此，由本单位负责人报送）"),
    ExtraStep("instruction", "批示待落实", "领导批示交本单位落实、尚未最终反馈的事项"),
    ExtraStep("overdue", "超期待督办", "本信访部门范围内法定期限已超期的事项，超期最久的在前"),
)
EXTRA_STEPS_BY_KEY = {step.key: step for step in EXTRA_STEPS}


def is_unit_head(user: User) -> bool:
    return user.org_id is not None and user.has_role(Role.HANDLING_ORG_HEAD)


def is_office_supervisor(user: User) -> bool:
    # As services_records.require_supervisor: 督办 is issued by a 督查督办员 of a petition office.
    return user.org_id is not None and user.org.kind == Org.Kind.PETITION_OFFICE and user.has_role(Role.SUPERVISOR)


def _open_for_head(user: User, model, visible: QuerySet) -> QuerySet:
    """Open records of `visible` addressed to the head's own unit, the earliest due (the most overdue) first."""
    if not is_unit_head(user):
        return model.objects.none()
    return visible.filter(status=RecordStatus.OPEN, target_org_id=user.org_id).order_by("due_on", "id")


def supervisions_awaiting(*, user: User) -> QuerySet[Supervision]:
    """Open 督办 addressed to the head's own unit."""
    return _open_for_head(user, Supervision, supervisions_visible_to(user=user))


def recommendations_awaiting(*, user: User) -> QuerySet[Recommendation]:
    """Unanswered 三项建议 addressed to the head's own unit."""
    return _open_for_head(user, Recommendation, recommendations_visible_to(user=user))


def rectifications_awaiting(*, user: User) -> QuerySet[Rectification]:
    """约谈 and 限期整改 of the head's own unit whose rectification report is not in (or was sent back)."""
    return _open_for_head(user, Rectification, rectifications_visible_to(user=user))


def instructions_awaiting(*, user: User) -> QuerySet[Instruction]:
    """Open 领导批示 routed to the head's own unit (only the head responds), the earliest due first."""
    if not is_unit_head(user):
        return Instruction.objects.none()
    return instructions_pending_for(user=user)


def _overdue_clocks(today: date) -> QuerySet[Clock]:
    # A running statutory clock past its due date (the windows a petitioner "may" use are nobody's delay).
    return (Clock.objects.filter(petition=OuterRef("pk"), stopped_on__isnull=True, voided=False,
                                 paused_since__isnull=True, statutory_due__lt=today)
            .exclude(kind__in=OPTIONAL_WINDOWS))


def overdue_to_supervise(*, user: User, today: date | None = None) -> QuerySet[Petition]:
    """Matters in the supervisor's scope with an overdue statutory clock, the most overdue first.

    Annotated with `overdue_due`, the earliest due date among its overdue clocks.
    """
    if not is_office_supervisor(user):
        return Petition.objects.none()
    overdue = _overdue_clocks(today or timezone.localdate())
    recused = Recusal.objects.filter(petition=OuterRef("pk"), user=user, voided=False)
    return (petitions_visible_to(user=user).filter(Exists(overdue)).exclude(Exists(recused))
            .annotate(overdue_due=Subquery(overdue.order_by("statutory_due").values("statutory_due")[:1]))
            .order_by("overdue_due", "id"))


def extra_querysets(*, user: User) -> dict[str, QuerySet]:
    """Each extra step's list for this user (empty when the user has no part in it)."""
    return {"supervision_reply": supervisions_awaiting(user=user),
            "recommendation_reply": recommendations_awaiting(user=user),
            "rectification_report": rectifications_awaiting(user=user),
            "instruction": instructions_awaiting(user=user),
            "overdue": overdue_to_supervise(user=user)}


def extra_steps_for(user: User) -> list[ExtraStep]:
    """The extra steps the user has a part in (a head's records, a supervisor's overdue matters)."""
    keys = []
    if is_unit_head(user):
        keys += ["supervision_reply", "recommendation_reply", "rectification_report", "instruction"]
    if is_office_supervisor(user):
        keys.append("overdue")
    return [EXTRA_STEPS_BY_KEY[key] for key in keys]


def extra_counts(*, user: User) -> dict[str, int]:
    querysets = extra_querysets(user=user)
    return {step.key: querysets[step.key].count() for step in extra_steps_for(user)}


@dataclass(frozen=True)
class OverdueRow:
    petition: Petition
    clock: Clock
    days_late: int
    supervision: Supervision | None  # the latest 督办 on it not yet closed


def overdue_rows(petitions: list[Petition], *, today: date, user: User) -> list[OverdueRow]:
    """The supervisor's rows: the most overdue clock of each matter and the open 督办 on it he sees."""
    ids = [p.pk for p in petitions]
    clocks: dict[int, Clock] = {}
    for clock in (Clock.objects.filter(petition_id__in=ids, stopped_on__isnull=True, voided=False,
                                       paused_since__isnull=True, statutory_due__lt=today)
                  .exclude(kind__in=OPTIONAL_WINDOWS).select_related("org").order_by("-statutory_due")):
        clocks[clock.petition_id] = clock  # the earliest due wins (read last)
    supervisions: dict[int, Supervision] = {}
    for supervision in (supervisions_visible_to(user=user).filter(petition_id__in=ids)
                        .exclude(status=RecordStatus.CLOSED).order_by("issued_on", "id")):
        supervisions[supervision.petition_id] = supervision
    return [OverdueRow(p, clocks[p.pk], (today - clocks[p.pk].statutory_due).days, supervisions.get(p.pk))
            for p in petitions if p.pk in clocks]


@dataclass(frozen=True)
class RecordRow:
    """A 督办, 三项建议, 约谈/限期整改 or 批示 waiting on the unit, as the inbox lists it."""

    number: str
    url: str
    kind: str
    subject: str
    source: str  # who issued it: the office, or the leader
    due_on: date
    days_left: int  # negative: overdue
    petition: Petition | None


RECORD_PAGES = {"supervision_reply": "supervision-detail", "recommendation_reply": "recommendation-detail",
                "rectification_report": "rectification-detail"}


def record_rows(key: str, records, *, today: date) -> list[RecordRow]:
    """Rows of one record step; a 批示 links to its panel on the case page (it has no page of its own)."""
    rows = []
    for record in records:
        if key == "instruction":
            url = reverse("petition-detail", args=[record.petition_id]) + f"#instruction-{record.pk}"
            kind, subject = record.get_priority_display(), record.text
            source, petition = record.leader.full_name or record.leader.username, record.petition
        else:
            name = RECORD_PAGES[key]
            url = reverse(f"supervision:{name}", args=[record.pk])
            kind, subject, source = record.get_kind_display(), record.subject, record.office.name
            petition = record.petition if key == "supervision_reply" else None
        rows.append(RecordRow(record.number, url, kind, subject, source, record.due_on,
                              (record.due_on - today).days, petition))
    return rows
