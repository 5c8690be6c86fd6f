"""Reads of the 访调对接 and 导入诉讼 ledgers: who sees which record, the lists' filters, linked petitions.

Scope (orgs.selectors.user_scope_org_ids): a record is seen where its responsible unit or its recording unit lies
in the reader's scope (a township sees its own and its villages'). A linked petition is shown only to who may see
it (Art 30); a linked dispute only to who may see the dispute.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention.disputes import Dispute
from xinfang.prevention.referrals import LitigationBatch, Referral
from xinfang.prevention.selectors import _scoped, disputes_visible_to
from xinfang.stats.ledgers import in_org


def referrals_visible_to(*, user: User | None) -> QuerySet[Referral]:
    return _scoped(Referral.objects.all(), user=user, fields=("responsible_org_id", "recording_org_id"))


def litigations_visible_to(*, user: User | None) -> QuerySet[LitigationBatch]:
    return _scoped(LitigationBatch.objects.all(), user=user, fields=("responsible_org_id", "recording_org_id"))


def referral_petition(*, referral: Referral, user: User) -> Petition | None:
    """The referral's petition if this reader may see it; otherwise nothing, not even that there is one."""
    if referral.petition_id is None:
        return None
    return petitions_visible_to(user=user).filter(pk=referral.petition_id).first()


def referral_dispute(*, referral: Referral, user: User) -> Dispute | None:
    if referral.dispute_id is None:
        return None
    return disputes_visible_to(user=user).filter(pk=referral.dispute_id).first()


def litigation_petitions(*, batch: LitigationBatch, user: User) -> list[Petition]:
    """The batch's petitions this reader may see; the others are not even counted."""
    return list(petitions_visible_to(user=user).filter(pk__in=batch.petitions.values("pk")).order_by("number"))


@dataclass(frozen=True)
class ReferralFilters:
    start: date | None = None
    end: date | None = None
    org: Org | None = None  # responsible unit within this org's subtree
    path: str = ""
    outcome: str = ""
    text: str = ""


def referral_filter(queryset: QuerySet[Referral], *, filters: ReferralFilters) -> QuerySet[Referral]:
    if filters.start:
        queryset = queryset.filter(referred_on__gte=filters.start)
    if filters.end:
        queryset = queryset.filter(referred_on__lte=filters.end)
    queryset = in_org(queryset, org=filters.org, fields=("responsible_org_id",))
    if filters.path:
        queryset = queryset.filter(path=filters.path)
    if filters.outcome:
        queryset = queryset.filter(outcome=filters.outcome)
    if filters.text:
        queryset = queryset.filter(Q(summary__contains=filters.text) | Q(number__contains=filters.text)
                                   | Q(receiving_body__contains=filters.text))
    return queryset.select_related("responsible_org").order_by("-referred_on", "-id")


@dataclass(frozen=True)
class LitigationFilters:
    start: date | None = None
    end: date | None = None
    org: Org | None = None
    text: str = ""


def litigation_filter(queryset: QuerySet[LitigationBatch], *,
                      filters: LitigationFilters) -> QuerySet[LitigationBatch]:
    if filters.start:
        queryset = queryset.filter(guided_on__gte=filters.start)
    if filters.end:
        queryset = queryset.filter(guided_on__lte=filters.end)
    queryset = in_org(queryset, org=filters.org, fields=("responsible_org_id",))
    if filters.text:
        queryset = queryset.filter(Q(title__contains=filters.text) | Q(number__contains=filters.text)
                                   | Q(court__contains=filters.text))
    return queryset.select_related("responsible_org").order_by("-guided_on", "-id")
