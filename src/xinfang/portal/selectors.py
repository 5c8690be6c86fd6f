"""Reads for the public portal: what a visitor may choose, and what a verified petitioner sees of his matter.

Nothing here takes a staff user's scope: the portal shows only published information and, after the query code
and phone check, the one matter the code belongs to.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from xinfang.matching.selectors import same_matter_ids
from xinfang.orgs.models import Org
from xinfang.petitions.models import Category, Petition, PetitionParty, PetitionStatus
from xinfang.portal.models import ConsentNotice, PortalSubmission
from xinfang.workflow.choices import Rating
from xinfang.workflow.models import Clock, Evaluation, Notice
from xinfang.workflow.selectors import review_organs

CHANNELS_FILE = Path(__file__).resolve().parent / "data" / "channels.toml"

# The status in plain words for the petitioner (not the staff's terms), and what comes next.
PLAIN_STATUS: dict[str, str] = {
    PetitionStatus.REGISTERED: "已收到，信访部门正在审查，将转送或交办有权处理的机关",
    PetitionStatus.FORWARDED: "已转送有权处理的机关，等待其决定是否受理",
    PetitionStatus.ASSIGNED: "已交办有权处理的机关，等待其决定是否受理",
    PetitionStatus.OBJECTED: "正在确定由哪个机关处理",
    PetitionStatus.ACCEPTED: "已受理，正在调查核实和办理",
    PetitionStatus.IN_HEARING: "正在组织听证，听证时间不计入办理期限",
    PetitionStatus.DRAFTED: "正在办理，处理意见待审核",
    PetitionStatus.REJECTED: "不予受理，理由见告知书",
    PetitionStatus.REDIRECTED: "属于其他法定途径处理的事项，请按告知书向有关机关提出",
    PetitionStatus.REPLIED: "已出具处理意见，正在送达",
    PetitionStatus.DELIVERED: "处理意见已送达，您可以评价办理情况；不服的可以请求复查",
    PetitionStatus.CLOSED: "已办结",
    PetitionStatus.UNDER_REVIEW: "复查机关正在复查",
    PetitionStatus.REVIEWED: "已出具复查意见；不服的可以请求复核",
    PetitionStatus.UNDER_RE_REVIEW: "复核机关正在复核",
    PetitionStatus.FINAL: "已终结：以同一事实和理由再次提出的，不再受理",
}
EVALUATION_STATES = (PetitionStatus.DELIVERED, PetitionStatus.CLOSED)


def consent_notice_current() -> ConsentNotice | None:
    """The newest published version of the personal-data notice."""
    return ConsentNotice.objects.filter(published_at__lte=timezone.now()).order_by("-published_at", "-id").first()


def offices_by_county() -> dict[int, Org]:
    """The county petition office of each county government that has one: where online matters are received."""
    offices = Org.objects.filter(kind=Org.Kind.PETITION_OFFICE, level=Org.Level.COUNTY, is_active=True,
                                 parent__kind=Org.Kind.GOVERNMENT).order_by("id")
    return {office.parent_id: office for office in offices}


def county_of(org: Org) -> Org | None:
    """The county government above (or being) `org`."""
    counties = Org.objects.filter(pk__in=org.ancestor_ids, kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY)
    return counties.first()


def localities() -> QuerySet[Org]:
    """The places a petitioner may name as the matter's 属地: townships and villages of counties online."""
    counties = list(offices_by_county())
    if not counties:
        return Org.objects.none()
    return (Org.objects.filter(is_active=True, kind__in=(Org.Kind.TOWNSHIP, Org.Kind.VILLAGE),
                               parent__isnull=False)
            .filter(_under_any(counties)).order_by("path"))


def complained_orgs() -> QuerySet[Org]:
    """Units a petitioner may name as the one complained of or accused: any organ of a county online."""
    counties = list(offices_by_county())
    if not counties:
        return Org.objects.none()
    return (Org.objects.filter(is_active=True).exclude(kind=Org.Kind.PETITION_OFFICE)
            .filter(_under_any(counties)).order_by("path"))


def _under_any(county_ids: list[int]) -> Q:
    condition = Q()
    for county_id in county_ids:
        condition |= Q(path__contains=f"/{county_id}/")
    return condition


def categories() -> QuerySet[Category]:
    """The second-level categories in use (the first level only groups them)."""
    return Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")


def published_channels() -> dict:
    """The channels and reception hours published under Art 18 (data/channels.toml, or the file a deployment
    names in settings.XINFANG_PORTAL_CHANNELS_FILE)."""
    path = Path(getattr(settings, "XINFANG_PORTAL_CHANNELS_FILE", "") or CHANNELS_FILE)
    with path.open("rb") as handle:
        return tomllib.load(handle)


def reception_schedules(*, today: date) -> list:
    """The leaders' published reception schedule (xinfang.receptions), or none while that app offers none."""
    try:
        from xinfang.receptions.selectors import published_schedules
    except ImportError:
        return []
    return list(published_schedules(today=today))


@dataclass(frozen=True)
class Window:
    """An open window for a petitioner's action: until when, and to which organs (review requests)."""

    until: date
    organs: list[Org] = field(default_factory=list)


@dataclass(frozen=True)
class Progress:
    number: str
    kind_label: str
    summary: str
    received_on: date
    status_label: str
    status_text: str
    notices: list[Notice]
    evaluation: Evaluation | None
    evaluation_label: str
    evaluation_window: Window | None
    review_window: Window | None
    re_review_window: Window | None
    same_matter_hint: bool


def fresh_petition(submission: PortalSubmission) -> Petition:
    """The submission's petition as stored now (a step may have been taken since the submission was read)."""
    return Petition.objects.select_related("handling_org", "review_org", "registering_org").get(
        pk=submission.petition_id)


def _open_window(clocks: dict[str, Clock], kind: str, today: date) -> date | None:
    clock = clocks.get(kind)
    if clock is None or today > clock.statutory_due:
        return None
    return clock.statutory_due


def windows_of(*, submission: PortalSubmission, today: date | None = None) -> dict[str, Window | None]:
    """The petitioner's windows open today: evaluation, review request, re-review request."""
    petition = fresh_petition(submission)
    today = today or timezone.localdate()
    clocks = {clock.kind: clock for clock in
              petition.clocks.filter(stopped_on__isnull=True, voided=False).select_related("org")}
    windows: dict[str, Window | None] = {"evaluate": None, "request_review": None, "request_re_review": None}
    rated = petition.evaluations.filter(voided=False).exists()
    until = _open_window(clocks, Clock.Kind.EVALUATION, today)
    if until and not rated and petition.status in EVALUATION_STATES:
        windows["evaluate"] = Window(until=until)
    until = _open_window(clocks, Clock.Kind.REVIEW_WINDOW, today)
    if until and petition.status in EVALUATION_STATES and petition.handling_org is not None:
        windows["request_review"] = Window(until=until, organs=review_organs(decided_by=petition.handling_org))
    until = _open_window(clocks, Clock.Kind.RE_REVIEW_WINDOW, today)
    if until and petition.status == PetitionStatus.REVIEWED and petition.review_org is not None:
        windows["request_re_review"] = Window(until=until, organs=review_organs(decided_by=petition.review_org))
    return windows


def same_matter_hint(*, submission: PortalSubmission) -> bool:
    """Whether the matter may be one this same petitioner raised before (Art 30: about his own matters only).

    Only his own earlier petitions (the same petitioner record, matched by ID number at registration) are
    compared, by the matching app's judgement; the answer is one sentence, never which matter or whose.
    """
    petition = submission.petition
    own = PetitionParty.objects.filter(petition=petition).values_list("petitioner_id", flat=True)
    earlier = list(PetitionParty.objects.filter(petitioner_id__in=list(own), petition__received_at__lt=petition.received_at)
                   .exclude(petition=petition).values_list("petition_id", flat=True).distinct()[:50])
    return bool(same_matter_ids(petition=petition, candidate_ids=earlier))


def progress_of(*, submission: PortalSubmission, today: date | None = None) -> Progress:
    """What the verified petitioner sees: his matter's status in plain words, its valid notices, his windows."""
    petition = fresh_petition(submission)
    windows = windows_of(submission=submission, today=today)
    evaluation = petition.evaluations.filter(voided=False).first()
    return Progress(
        number=petition.number, kind_label=submission.get_kind_display(), summary=petition.summary,
        received_on=timezone.localtime(petition.received_at).date(),
        status_label=petition.get_status_display(), status_text=PLAIN_STATUS.get(petition.status, ""),
        notices=list(petition.notices.filter(voided=False).order_by("issued_at", "id")),
        evaluation=evaluation, evaluation_label=Rating(evaluation.rating).label if evaluation else "",
        evaluation_window=windows["evaluate"], review_window=windows["request_review"],
        re_review_window=windows["request_re_review"], same_matter_hint=same_matter_hint(submission=submission),
    )
