"""Reads of the privacy app, always through the reader's scope (as petitions: the office's subtree)."""

from datetime import date, datetime

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.models import Petition, PetitionEvent, PetitionParty, PetitionStatus, Petitioner
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.portal.models import ConsentNotice
# The version in force now: the newest published one (the portal shows and asks consent to the same).
from xinfang.portal.selectors import consent_notice_current as notice_current  # noqa: F401
from xinfang.privacy.models import DataRequest, LegalHold, PetitionNotice

# Who sees and records requests and holds: the petition office's own staff (the registering side); the handling
# units, leaders, statisticians and the three administrators never see who asked what about their data.
OFFICE_ROLES = (Role.INTAKE_CLERK, Role.REVIEWER)
# A matter is finished when it is closed (办结) or final (终结); the step that made it so dates it.
FINISHED_STATES = (PetitionStatus.CLOSED, PetitionStatus.FINAL)
FINISHING_ACTIONS = ("close", "decide_re_review", "finalize")


def notice_of(*, petition: Petition) -> ConsentNotice | None:
    """The notice version the petition was registered under (None for petitions registered before it was kept)."""
    record = PetitionNotice.objects.select_related("notice").filter(petition=petition).first()
    return record.notice if record is not None else None


def is_office_staff(user: User) -> bool:
    return (user.org is not None and user.org.kind == Org.Kind.PETITION_OFFICE
            and user.has_role(*OFFICE_ROLES))


def is_office_reviewer(user: User) -> bool:
    return user.org is not None and user.org.kind == Org.Kind.PETITION_OFFICE and user.has_role(Role.REVIEWER)


def requests_visible_to(*, user: User) -> QuerySet[DataRequest]:
    """Requests received by offices in the user's subtree; nothing for anyone but an office's staff."""
    if not is_office_staff(user):
        return DataRequest.objects.none()
    queryset = DataRequest.objects.select_related("office", "petitioner", "received_by", "handled_by")
    scope = user_scope_org_ids(user=user)
    return queryset if scope is None else queryset.filter(office_id__in=scope)


def requests_overdue(*, user: User, today: date | None = None) -> QuerySet[DataRequest]:
    """Requests still unanswered after their due date, oldest due first."""
    today = today or timezone.localdate()
    return (requests_visible_to(user=user).filter(status=DataRequest.Status.RECEIVED, due_on__lt=today)
            .order_by("due_on", "id"))


def petitioners_visible_to(*, user: User) -> QuerySet[Petitioner]:
    """Petitioners of the petitions the user may see (a request is about one of them)."""
    visible = petitions_visible_to(user=user)
    return Petitioner.objects.filter(
        Exists(PetitionParty.objects.filter(petitioner=OuterRef("pk"), petition__in=visible)))


def holds_visible_to(*, user: User) -> QuerySet[LegalHold]:
    if not is_office_staff(user):
        return LegalHold.objects.none()
    queryset = LegalHold.objects.select_related("petition", "petitioner", "office", "placed_by", "released_by")
    scope = user_scope_org_ids(user=user)
    return queryset if scope is None else queryset.filter(office_id__in=scope)


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    """Matters finished before this are past retention (XINFANG_PERSONAL_DATA_RETENTION_YEARS)."""
    now = now or timezone.now()
    years = settings.XINFANG_PERSONAL_DATA_RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _held_petitions() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True)


def petitions_past_retention(*, now: datetime | None = None) -> QuerySet[Petition]:
    """Finished matters whose finishing step is older than the retention period."""
    cutoff = retention_cutoff(now=now)
    finished_at = (PetitionEvent.objects.filter(petition=OuterRef("pk"), kind__in=FINISHING_ACTIONS)
                   .values("petition").annotate(last=Max("occurred_at")).values("last"))
    return (Petition.objects.filter(status__in=FINISHED_STATES)
            .annotate(finished_at=finished_at[:1]).filter(finished_at__lt=cutoff))


def petitioners_due_for_anonymisation(*, now: datetime | None = None) -> QuerySet[Petitioner]:
    """Petitioners every one of whose matters is past retention, with no active hold on them or on any of their
    matters, and not anonymised yet.

    A petitioner with one matter still open, young or held keeps all their data: the same person's record serves
    every matter (and the repeat matching across them).
    """
    old = petitions_past_retention(now=now)
    active_holds = _held_petitions()
    has_young = PetitionParty.objects.filter(petitioner=OuterRef("pk")).exclude(petition__in=old)
    held_matter = PetitionParty.objects.filter(
        petitioner=OuterRef("pk"), petition__in=active_holds.filter(petition__isnull=False).values("petition"))
    return (Petitioner.objects
            .filter(Exists(PetitionParty.objects.filter(petitioner=OuterRef("pk"))))
            .exclude(Exists(has_young))
            .exclude(Exists(held_matter))
            .exclude(pk__in=active_holds.filter(petitioner__isnull=False).values("petitioner"))
            .filter(anonymisation__isnull=True)
            .order_by("id"))


def petitioner_is_held(*, petitioner: Petitioner) -> bool:
    holds = _held_petitions()
    return holds.filter(Q(petitioner=petitioner) | Q(petition__parties__petitioner=petitioner)).exists()


def petitioner_export_rows(*, petitioner: Petitioner, user: User) -> list[dict[str, str]]:
    """The petitioner's matters as an access request's copy shows them (docs/PRIVACY.md, 查阅复制的范围)."""
    petitions = (petitions_visible_to(user=user).filter(parties__petitioner=petitioner)
                 .select_related("category__parent", "locality", "registering_org", "handling_org")
                 .order_by("received_at", "id"))
    rows = []
    for petition in petitions:
        accusation = petition.petition_type == "accusation"
        steps = (petition.events.exclude(kind=PetitionEvent.Kind.PERSONAL_DATA_VIEWED)
                 .order_by("occurred_at", "id"))
        rows.append({
            "number": petition.number,
            "received_at": timezone.localtime(petition.received_at).strftime("%Y-%m-%d"),
            "channel": petition.get_channel_display(),
            "petition_type": petition.get_petition_type_display(),
            "category": str(petition.category),
            "locality": petition.locality.name,
            "registering_org": petition.registering_org.name,
            # An accusation names people and units: its copy keeps to what the portal's progress page shows.
            "handling_org": "" if accusation else (petition.handling_org.name if petition.handling_org else ""),
            "status": petition.get_status_display(),
            "summary": "" if accusation else petition.summary,
            "content": "" if accusation else petition.content,
            "demands": "" if accusation else petition.demands,
            "co_petitioners": str(petition.parties.exclude(petitioner=petitioner).count()),
            "steps": "；".join(f"{timezone.localtime(e.occurred_at):%Y-%m-%d} {e.label}" for e in steps),
        })
    return rows

