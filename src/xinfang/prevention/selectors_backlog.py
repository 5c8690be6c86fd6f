"""Reads of the 积案/包案 ledger and the 群众信访问题清单: who sees which record, the lists' filters.

Scope (orgs.selectors.user_scope_org_ids): a case or a problem is seen where its responsible unit or its recording
unit lies in the reader's scope (a township sees its own and its villages'); a leader also sees every case he is in
charge of (包案), wherever its unit. The case's petition is shown only to who may see it (Art 30).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from xinfang.orgs.models import Org, Role, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention.backlog import BacklogCase, BacklogReflux, ProblemListItem
from xinfang.prevention.selectors import _scoped
from xinfang.stats.ledgers import in_org


def backlog_visible_to(*, user: User | None) -> QuerySet[BacklogCase]:
    queryset = BacklogCase.objects.all()
    if user is None:
        return queryset
    scoped = _scoped(queryset, user=user, fields=("responsible_org_id", "recording_org_id"))
    return queryset.filter(Q(pk__in=scoped.values("pk")) | Q(leader=user))


def refluxes_visible_to(*, user: User | None) -> QuerySet[BacklogReflux]:
    return BacklogReflux.objects.filter(case__in=backlog_visible_to(user=user))


def problems_visible_to(*, user: User | None) -> QuerySet[ProblemListItem]:
    return _scoped(ProblemListItem.objects.all(), user=user, fields=("responsible_org_id", "recording_org_id"))


def leaders_visible_to(*, user: User | None = None) -> QuerySet[User]:
    """The leaders (领导干部) who may be put in charge of a case: every active one (a county leader may take a
    township's case)."""
    ids = User.objects.filter(roles__role=Role.LEADER).values("pk")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("org__path", "username")


def case_petition(*, case: BacklogCase, user: User) -> Petition | None:
    """The case's petition if this reader may see it (Art 30); otherwise nothing, not even that there is one."""
    if case.petition_id is None:
        return None
    return petitions_visible_to(user=user).filter(pk=case.petition_id).first()


def case_refluxes(*, case: BacklogCase, user: User) -> list[tuple[BacklogReflux, Petition | None]]:
    """The case's 反流, each with its new petition when the reader may see it."""
    refluxes = list(case.refluxes.order_by("detected_on", "id"))
    visible = {petition.pk: petition for petition in petitions_visible_to(user=user).filter(
        pk__in=[reflux.petition_id for reflux in refluxes])}
    return [(reflux, visible.get(reflux.petition_id)) for reflux in refluxes]


@dataclass(frozen=True)
class BacklogFilters:
    start: date | None = None
    end: date | None = None
    org: Org | None = None  # responsible unit within this org's subtree
    status: str = ""  # a Status, or "overdue"
    source: str = ""
    leader_id: int | None = None
    batch: str = ""
    text: str = ""
    today: date | None = None


def backlog_overdue_q(today: date) -> Q:
    return Q(due_on__lt=today) & ~Q(status=BacklogCase.Status.STRUCK_OFF)


def backlog_filter(queryset: QuerySet[BacklogCase], *, filters: BacklogFilters) -> QuerySet[BacklogCase]:
    if filters.start:
        queryset = queryset.filter(assigned_on__gte=filters.start)
    if filters.end:
        queryset = queryset.filter(assigned_on__lte=filters.end)
    queryset = in_org(queryset, org=filters.org, fields=("responsible_org_id",))
    if filters.status == "overdue":
        queryset = queryset.filter(backlog_overdue_q(filters.today or date.today()))
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.leader_id:
        queryset = queryset.filter(leader_id=filters.leader_id)
    if filters.batch:
        queryset = queryset.filter(batch__contains=filters.batch)
    if filters.text:
        queryset = queryset.filter(Q(summary__contains=filters.text) | Q(number__contains=filters.text)
                                   | Q(batch_number__contains=filters.text))
    return queryset.select_related("responsible_org", "leader").order_by("-assigned_on", "-id")


def problem_overdue_q(today: date) -> Q:
    """Past its date to strike off and not struck off (by `today`)."""
    return Q(due_on__lt=today) & (Q(status=ProblemListItem.Status.OPEN) | Q(struck_off_on__gt=today))
