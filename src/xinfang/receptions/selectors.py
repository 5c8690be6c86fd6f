"""Reads of the receptions ledger: who sees which schedule and reception, a reception's petitions, the public list.

Scope: a schedule or a reception is seen where its leader's org lies in the reader's scope (a township sees its
own leaders', the county's office the whole county's); a leader always sees his own. Petitions linked to a
reception are shown (and counted) only when the reader may see them (Art 30, petitions_visible_to).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from xinfang.orgs.models import Role, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.receptions.models import Reception, ReceptionPetition, ReceptionSchedule
from xinfang.receptions.permissions import require_reader


def _scoped(queryset: QuerySet, *, user: User | None) -> QuerySet:
    if user is None:  # the command line's administrator
        return queryset
    require_reader(user)
    scope = user_scope_org_ids(user=user)
    if scope is None:
        return queryset
    return queryset.filter(Q(org_id__in=scope) | Q(leader_id=user.pk))


def schedules_visible_to(*, user: User | None) -> QuerySet[ReceptionSchedule]:
    return _scoped(ReceptionSchedule.objects.all(), user=user)


def receptions_visible_to(*, user: User | None) -> QuerySet[Reception]:
    return _scoped(Reception.objects.all(), user=user)


def reception_links_visible_to(*, user: User | None) -> QuerySet[ReceptionPetition]:
    """The live links of the receptions the reader sees, to petitions the reader may see (Art 30)."""
    links = ReceptionPetition.objects.filter(unlinked_at__isnull=True)
    if user is None:
        return links
    return links.filter(reception__in=receptions_visible_to(user=user).values("pk"),
                        petition__in=petitions_visible_to(user=user).values("pk"))


def reception_links(*, reception: Reception, user: User) -> list[ReceptionPetition]:
    """The reception's petitions this reader may see, with their instruction; the others are not even counted."""
    return list(reception_links_visible_to(user=user).filter(reception=reception)
                .select_related("petition", "petition__handling_org").order_by("petition__number"))


def leaders_for(*, user: User):
    """The leaders (Role.LEADER) a user may schedule or record a reception for: those of orgs in the scope."""
    queryset = User.objects.filter(roles__role=Role.LEADER, is_active=True, org__isnull=False)
    scope = user_scope_org_ids(user=user)
    if scope is not None:
        queryset = queryset.filter(org_id__in=scope)
    return queryset.select_related("org").distinct().order_by("org__path", "full_name", "username")


@dataclass(frozen=True)
class ReceptionFilters:
    start: date | None = None
    end: date | None = None
    kind: str = ""
    leader_id: int | None = None
    mine: bool = False  # a leader's own
    text: str = ""


def _filter(queryset: QuerySet, *, filters: ReceptionFilters, date_field: str, user: User) -> QuerySet:
    if filters.start:
        queryset = queryset.filter(**{f"{date_field}__gte": filters.start})
    if filters.end:
        queryset = queryset.filter(**{f"{date_field}__lte": filters.end})
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.leader_id:
        queryset = queryset.filter(leader_id=filters.leader_id)
    if filters.mine:
        queryset = queryset.filter(leader_id=user.pk)
    if filters.text:
        queryset = queryset.filter(Q(place__contains=filters.text) | Q(number__contains=filters.text)
                                   | Q(leader__full_name__contains=filters.text))
    return queryset.select_related("leader", "org").order_by(f"-{date_field}", "-id")


def receptions_filter(queryset: QuerySet[Reception], *, filters: ReceptionFilters, user: User) -> QuerySet:
    return _filter(queryset, filters=filters, date_field="received_on", user=user)


def schedules_filter(queryset: QuerySet[ReceptionSchedule], *, filters: ReceptionFilters, user: User) -> QuerySet:
    return _filter(queryset, filters=filters, date_field="scheduled_on", user=user)


@dataclass(frozen=True)
class PublicSchedule:
    """What the portal may show of a schedule: no petitioner, no internal note, no record number."""

    leader_name: str
    org_name: str
    scheduled_on: date
    slot: str
    place: str
    kind: str
    topics: str


def published_schedules(*, today: date) -> list[PublicSchedule]:
    """The published, not cancelled schedules from `today` on, soonest first: the public list."""
    queryset = (ReceptionSchedule.objects.filter(published=True, scheduled_on__gte=today)
                .exclude(status=ReceptionSchedule.Status.CANCELLED).select_related("leader", "org")
                .order_by("scheduled_on", "id"))
    return [PublicSchedule(leader_name=str(schedule.leader), org_name=schedule.org.name,
                           scheduled_on=schedule.scheduled_on, slot=schedule.get_slot_display(),
                           place=schedule.place, kind=schedule.get_kind_display(), topics=schedule.topics)
            for schedule in queryset]
