"""Reads of 领导批示: who sees which instruction, the list's filters, what waits on a unit, counts.

An instruction is about one matter and is seen exactly by those who see the matter (petitions_visible_to):
an accusation's instruction never reaches the accused unit (Art 30), as the matter itself does not.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision.instructions import Instruction

STATES = {"open": "待落实", "overdue": "超期未反馈", "answered": "已反馈待办结", "closed": "已办结"}


def instructions_visible_to(*, user: User) -> QuerySet[Instruction]:
    return (Instruction.objects.filter(petition__in=petitions_visible_to(user=user).values("pk"))
            .select_related("org", "petition", "leader", "target_org", "closed_by"))


def instruction_get_for_user(*, user: User, instruction_id: int) -> Instruction:
    """One instruction the user may see; missing and forbidden are the same DoesNotExist (404)."""
    return instructions_visible_to(user=user).prefetch_related("responses__responded_by").get(pk=instruction_id)


def instructions_on_petition(*, user: User, petition: Petition) -> list[Instruction]:
    """The instructions on one matter, oldest first, with their responses (the case page's panel)."""
    return list(instructions_visible_to(user=user).filter(petition=petition)
                .prefetch_related("responses__responded_by").order_by("issued_on", "id"))


def overdue_q(today: date) -> Q:
    """No final response by the due date."""
    return Q(status=Instruction.Status.OPEN, due_on__lt=today)


def instructions_pending_for(*, user: User) -> QuerySet[Instruction]:
    """Open instructions routed to the user's unit (awaiting its 落实情况), the earliest due first.

    For the inbox step 批示待落实: any user of the unit sees what waits on it; only its head responds.
    """
    if user.org_id is None:
        return Instruction.objects.none()
    return (instructions_visible_to(user=user).filter(target_org_id=user.org_id, status=Instruction.Status.OPEN)
            .order_by("due_on", "id"))


@dataclass(frozen=True)
class InstructionFilters:
    state: str = ""  # STATES
    target_org_id: int | None = None
    leader_id: int | None = None


def instructions_filter(queryset: QuerySet[Instruction], *, filters: InstructionFilters,
                        today: date | None = None) -> QuerySet[Instruction]:
    today = today or timezone.localdate()
    if filters.state == "overdue":
        queryset = queryset.filter(overdue_q(today))
    elif filters.state in Instruction.Status.values:
        queryset = queryset.filter(status=filters.state)
    if filters.target_org_id:
        queryset = queryset.filter(target_org_id=filters.target_org_id)
    if filters.leader_id:
        queryset = queryset.filter(leader_id=filters.leader_id)
    # Overdue first, then open, answered and closed, each by due date (as the records' list).
    rank = Case(When(overdue_q(today), then=Value(0)), When(status=Instruction.Status.OPEN, then=Value(1)),
                When(status=Instruction.Status.ANSWERED, then=Value(2)), default=Value(3),
                output_field=IntegerField())
    return queryset.annotate(rank=rank).order_by("rank", "due_on", "-id")


def instruction_filter_choices(*, user: User) -> tuple[list[Org], list[User]]:
    """The routed units and the leaders of the instructions the user sees, for the list's filters."""
    visible = instructions_visible_to(user=user)
    units = Org.objects.filter(pk__in=visible.values("target_org_id")).order_by("path")
    leaders = User.objects.filter(pk__in=visible.values("leader_id")).order_by("username")
    return list(units), list(leaders)


def instruction_counts(*, user: User, start: date | None = None, end: date | None = None,
                       today: date | None = None) -> dict[str, int]:
    """Instructions issued in [start, end] that the user sees: total, by state (overdue apart from open),
    and those whose final response came after the due date (`answered_late`), for the statistics."""
    today = today or timezone.localdate()
    queryset = instructions_visible_to(user=user)
    if start:
        queryset = queryset.filter(issued_on__gte=start)
    if end:
        queryset = queryset.filter(issued_on__lte=end)
    return queryset.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status=Instruction.Status.OPEN) & ~overdue_q(today)),
        overdue=Count("id", filter=overdue_q(today)),
        answered=Count("id", filter=Q(status=Instruction.Status.ANSWERED)),
        closed=Count("id", filter=Q(status=Instruction.Status.CLOSED)),
        answered_late=Count("id", filter=Q(answered_on__gt=F("due_on"))),
    )


def unit_sees_petition(*, org: Org, petition: Petition) -> bool:
    """Whether the staff of `org` see the matter (petitions_visible_to for a user of that org): a 批示 goes
    only to a unit that can read the matter it is about."""
    return petitions_visible_to(user=User(org=org)).filter(pk=petition.pk).exists()


def instruction_target_choices(*, user: User, petition: Petition) -> list[Org]:
    """The units a leader may route a 批示 on this matter to: in the leader's scope, able to see the matter,
    organs with power to handle or the registering office. The service checks the chosen one again."""
    related = [petition.registering_org, petition.locality, petition.handling_org, petition.review_org,
               petition.re_review_org]
    ids = {pk for org in related if org is not None for pk in org.ancestor_ids}
    candidates = Org.objects.filter(Q(pk__in=ids, may_handle=True) | Q(pk=petition.registering_org_id),
                                    is_active=True)
    scope = user_scope_org_ids(user=user)
    if scope is not None:
        candidates = candidates.filter(pk__in=scope)
    return [org for org in candidates.order_by("path") if unit_sees_petition(org=org, petition=petition)]
