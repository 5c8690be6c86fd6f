"""Reads of the prevention ledgers: who sees which record, the lists' filters, a record's petitions.

Scope (orgs.selectors.user_scope_org_ids): a dispute is seen where its locality or its responsible unit lies in
the reader's scope — a township sees its own and its villages', the county's office the whole county; a 排查
where its organiser or one org it covered does; an assessment or a decision where its deciding organ or the
recording unit does. Petitions linked to a dispute are shown only when the reader may see them (Art 30).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention.assessments import MajorDecision, StabilityAssessment
from xinfang.prevention.disputes import Dispute, DisputeBatch, ScreeningCampaign
from xinfang.prevention.permissions import require_reader
from xinfang.stats.ledgers import in_org  # the subtree roll-up, shared with the figures


def _scoped(queryset: QuerySet, *, user: User | None, fields: tuple[str, ...]) -> QuerySet:
    if user is None:  # the command line's administrator
        return queryset
    require_reader(user)
    scope = user_scope_org_ids(user=user)
    if scope is None:
        return queryset
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__in": scope})
    return queryset.filter(condition)


def disputes_visible_to(*, user: User | None) -> QuerySet[Dispute]:
    return _scoped(Dispute.objects.all(), user=user, fields=("locality_id", "responsible_org_id"))


def batches_visible_to(*, user: User | None) -> QuerySet[DisputeBatch]:
    """A batch is seen by the units in whose scope it was opened, and by whoever sees one of its disputes."""
    queryset = DisputeBatch.objects.all()
    if user is None:
        return queryset
    scoped = _scoped(queryset, user=user, fields=("org_id",))
    return queryset.filter(Q(pk__in=scoped.values("pk"))
                           | Q(pk__in=disputes_visible_to(user=user).filter(batch__isnull=False).values("batch_id")))


def campaigns_visible_to(*, user: User | None) -> QuerySet[ScreeningCampaign]:
    queryset = ScreeningCampaign.objects.all()
    if user is None:
        return queryset
    scoped = _scoped(queryset, user=user, fields=("organiser_id", "orgs"))
    return queryset.filter(pk__in=scoped.values("pk"))  # the M2M join may repeat a campaign


def assessments_visible_to(*, user: User | None) -> QuerySet[StabilityAssessment]:
    return _scoped(StabilityAssessment.objects.all(), user=user, fields=("deciding_org_id", "recording_org_id"))


def decisions_visible_to(*, user: User | None) -> QuerySet[MajorDecision]:
    return _scoped(MajorDecision.objects.all(), user=user, fields=("deciding_org_id",))


def dispute_petitions(*, dispute: Dispute, user: User) -> list[Petition]:
    """The petitions linked to the dispute that this reader may see; the others are not even counted."""
    linked = dispute.petition_links.filter(unlinked_at__isnull=True).values("petition_id")
    return list(petitions_visible_to(user=user).filter(pk__in=linked).order_by("number"))


@dataclass(frozen=True)
class DisputeFilters:
    start: date | None = None
    end: date | None = None
    org: Org | None = None  # locality within this org's subtree
    field_id: int | None = None
    risk_level: str = ""
    status: str = ""
    responsible_org_id: int | None = None
    campaign_id: int | None = None
    batch_id: int | None = None
    text: str = ""
    today: date | None = None


def overdue_q(today: date) -> Q:
    """Past its 化解期限 and not settled (化解中, or reported and awaiting verification)."""
    return Q(deadline__lt=today, status__in=(Dispute.Status.OPEN, Dispute.Status.REPORTED))


def disputes_filter(queryset: QuerySet[Dispute], *, filters: DisputeFilters) -> QuerySet[Dispute]:
    if filters.start:
        queryset = queryset.filter(found_on__gte=filters.start)
    if filters.end:
        queryset = queryset.filter(found_on__lte=filters.end)
    queryset = in_org(queryset, org=filters.org, fields=("locality_id",))
    if filters.field_id:
        queryset = queryset.filter(field_id=filters.field_id)
    if filters.risk_level:
        queryset = queryset.filter(risk_level=filters.risk_level)
    if filters.status == "overdue":
        queryset = queryset.filter(overdue_q(filters.today or timezone.localdate()))
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.responsible_org_id:
        queryset = queryset.filter(responsible_org_id=filters.responsible_org_id)
    if filters.campaign_id:
        queryset = queryset.filter(campaign_id=filters.campaign_id)
    if filters.batch_id:
        queryset = queryset.filter(batch_id=filters.batch_id)
    if filters.text:
        queryset = queryset.filter(Q(summary__contains=filters.text) | Q(parties__contains=filters.text)
                                   | Q(number__contains=filters.text))
    return queryset.select_related("field", "locality", "responsible_org", "campaign", "batch").order_by(
        "-found_on", "-id")


@dataclass(frozen=True)
class AssessmentFilters:
    start: date | None = None
    end: date | None = None
    org: Org | None = None
    kind_id: int | None = None
    conclusion: str = ""
    filing: str = ""
    risk_level: str = ""


def assessments_filter(queryset: QuerySet[StabilityAssessment], *,
                       filters: AssessmentFilters) -> QuerySet[StabilityAssessment]:
    if filters.start:
        queryset = queryset.filter(assessed_on__gte=filters.start)
    if filters.end:
        queryset = queryset.filter(assessed_on__lte=filters.end)
    queryset = in_org(queryset, org=filters.org, fields=("deciding_org_id",))
    if filters.kind_id:
        queryset = queryset.filter(kind_id=filters.kind_id)
    for name in ("conclusion", "filing", "risk_level"):
        if getattr(filters, name):
            queryset = queryset.filter(**{name: getattr(filters, name)})
    return queryset.select_related("kind", "deciding_org", "decision").order_by("-assessed_on", "-id")


def decisions_with_gaps(queryset: QuerySet[MajorDecision]) -> QuerySet[MajorDecision]:
    """应评未评: decisions that need an assessment and have none."""
    return queryset.filter(requires_assessment=True, assessments__isnull=True)
