"""Reads of petitions, always through the user's data scope."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from xinfang.orgs.models import User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions import crypto
from xinfang.petitions.models import Petition, PetitionParty, PetitionType, Petitioner
from xinfang.petitions.validators import normalize_id_number, normalize_name, normalize_phone


def petitions_visible_to(*, user: User) -> QuerySet[Petition]:
    """Petitions registered in, located in, sent to or under review by the user's subtree; never an accusation
    against the user's own org.

    This is the one visibility rule: every read of a petition, and every reference to one (chains,
    candidates, clusters, exports, drill-downs), goes through it.
    """
    queryset = Petition.objects.all()
    if getattr(user, "is_system_only", False):  # 三权分立: the system, security and audit administrators read no petition
        return queryset.none()
    scope = user_scope_org_ids(user=user)
    if scope is not None:
        queryset = queryset.filter(
            Q(registering_org_id__in=scope) | Q(locality_id__in=scope) | Q(handling_org_id__in=scope)
            # The organ a review or re-review was requested of sees the matter it reviews (Arts 35, 36).
            | Q(review_org_id__in=scope) | Q(re_review_org_id__in=scope)
        )
    if user.org_id is not None:
        queryset = queryset.exclude(_hidden_by_art_30(user))
    return queryset


def _hidden_by_art_30(user: User) -> Q:
    # Art 30 ¶3: an accusation never reaches the accused unit, nor any unit inside it, whatever the user's
    # scope or flags (superusers included). The office that registered it keeps it: it already holds the
    # letter, and must forward it past the accused unit.
    return (Q(petition_type=PetitionType.ACCUSATION, complained_org_id__in=user.org.ancestor_ids)
            & ~Q(registering_org_id=user.org_id))


def petitions_hidden_from(*, user: User) -> QuerySet[Petition]:
    """The accusations Art 30 hides from this user (none for a user outside every org): for reads that do
    not go through the scope, such as the superusers' admin pages."""
    if user.org_id is None:
        return Petition.objects.none()
    return Petition.objects.filter(_hidden_by_art_30(user))


def petition_get_for_user(*, user: User, petition_id: int) -> Petition:
    """Fetch one petition the user may see; missing and forbidden are the same 404."""
    return (
        petitions_visible_to(user=user)
        .select_related("registering_org", "registered_by", "category__parent", "locality", "complained_org",
                        "handling_org")
        .prefetch_related("hot_topics", "parties__petitioner", "attachments")
        .get(pk=petition_id)
    )


@dataclass(frozen=True)
class PetitionFilters:
    channel: str = ""
    petition_type: str = ""
    category_id: int | None = None
    locality_id: int | None = None
    status: str = ""
    group_visit: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    text: str = ""


# The petitions of one ID number or phone are few; a bound keeps a shared number (a company's switchboard) finite.
MATCH_LIMIT = 5000


def _petitioner_ids_matching(text: str) -> list[int] | None:
    """Exact ID-number or phone match through the blind indexes, or None if the text is neither."""
    compact = text.replace(" ", "")
    if len(compact) == 18 and compact[:17].isdigit():
        index = crypto.blind_index(normalize_id_number(compact))
        return list(Petitioner.objects.filter(id_number_index=index).values_list("id", flat=True))
    phone = normalize_phone(compact)
    if phone.replace("-", "").isdigit() and len(phone) >= 7:
        index = crypto.blind_index(phone)
        return list(Petitioner.objects.filter(phone_index=index).values_list("id", flat=True))
    return None


# The tail of a number as typed: "123", "000123", "2026-000123" or "2026-123". A whole number (with its
# office's prefix) is looked up exactly instead.
_NUMBER_TAIL = re.compile(r"^(?:(\d{4})-)?(\d{1,6})$")


def _number_tail(text: str) -> Q | None:
    """The petitions whose number ends in the typed digits, as an indexed query on the stored sequence.

    Every number is "<prefix>-<year>-<sequence, 6 digits>" (services.format_number), so the digits typed are
    the sequence: `sequence = 123` uses petition_sequence_idx, where number__endswith would scan every row.
    """
    match = _NUMBER_TAIL.match(text)
    if match is None:
        return None
    year, digits = match.groups()
    tail = Q(sequence=int(digits))
    return tail & Q(year=int(year)) if year else tail


def petitions_filter(*, queryset: QuerySet[Petition], filters: PetitionFilters) -> QuerySet[Petition]:
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.petition_type:
        queryset = queryset.filter(petition_type=filters.petition_type)
    if filters.category_id:
        queryset = queryset.filter(Q(category_id=filters.category_id) | Q(category__parent_id=filters.category_id))
    if filters.locality_id:
        queryset = queryset.filter(locality_id=filters.locality_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.group_visit is not None:
        queryset = queryset.filter(is_group_visit=filters.group_visit)
    tz = timezone.get_current_timezone()
    if filters.received_from:
        queryset = queryset.filter(received_at__gte=datetime.combine(filters.received_from, time.min, tz))
    if filters.received_to:
        queryset = queryset.filter(received_at__lte=datetime.combine(filters.received_to, time.max, tz))
    text = filters.text.strip()
    if text:
        tail = _number_tail(text)
        petitioner_ids = _petitioner_ids_matching(text) if tail is None else None
        if tail is not None:
            # Up to six digits (after a year) are a number's tail (or an outside reference), not summary words.
            queryset = queryset.filter(tail | Q(source_reference=text))
        elif petitioner_ids is not None:
            # A long run of digits may be a phone or an outside reference (a 12345 work order). The few matching
            # ids are read first: as an OR of two subqueries PostgreSQL took it for half the table and walked the
            # newest-first index through a million petitions (317 ms; docs/PERFORMANCE.md).
            ids = set(PetitionParty.objects.filter(petitioner_id__in=petitioner_ids)
                      .values_list("petition_id", flat=True)[:MATCH_LIMIT])
            ids |= set(Petition.objects.filter(source_reference=text).values_list("pk", flat=True)[:MATCH_LIMIT])
            queryset = queryset.filter(pk__in=sorted(ids))
        else:
            # Number, a petitioner's full name (encrypted, so matched exactly through its blind index),
            # or words of the summary.
            named = PetitionParty.objects.filter(
                petitioner__name_index=crypto.blind_index(normalize_name(text))
            ).values("petition_id")
            # An accusation's summary is stored encrypted: searching it would only match ciphertext.
            in_summary = Q(summary__contains=text) & ~Q(petition_type=PetitionType.ACCUSATION)
            queryset = queryset.filter(Q(number=text.upper()) | Q(source_reference=text) | in_summary
                                       | Q(pk__in=named))
    return queryset


@dataclass(frozen=True)
class Page:
    rows: list[Petition]
    next_cursor: str | None


def encode_cursor(petition: Petition) -> str:
    return f"{petition.received_at.timestamp():.6f}_{petition.pk}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Parse a cursor; raises ValueError on anything malformed."""
    stamp, _, pk = cursor.partition("_")
    return datetime.fromtimestamp(float(stamp), tz=UTC), int(pk)


def petitions_page(
    *, queryset: QuerySet[Petition], cursor: str | None, size: int = 20, with_parties: bool = True
) -> Page:
    """Keyset pagination, newest first: cost does not grow with how far the reader pages.

    `with_parties` loads (and decrypts) the petitioners of the page, for lists that show them.
    """
    queryset = queryset.order_by("-received_at", "-id")
    if cursor:
        received_at, pk = decode_cursor(cursor)
        # Same rows as "received_at < t OR (received_at = t AND id < pk)", but written so that the
        # database can use it as a range on the (received_at, id) index: deep pages stay as fast as the first.
        queryset = queryset.filter(
            Q(received_at__lte=received_at) & (Q(received_at__lt=received_at) | Q(id__lt=pk))
        )
    queryset = queryset.select_related("category__parent", "locality", "registering_org")
    if with_parties:
        queryset = queryset.prefetch_related("parties__petitioner")
    rows = list(queryset[: size + 1])
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else None
    return Page(rows=rows[:size], next_cursor=next_cursor)


def petitions_of_identity(*, user: User, id_number: str = "", phone: str = "", limit: int = 20) -> list[Petition]:
    """Earlier petitions of the person with this ID number or phone, within the user's scope (exact match)."""
    indexes = Q()
    if id_number:
        indexes |= Q(petitioner__id_number_index=crypto.blind_index(normalize_id_number(id_number)))
    if phone:
        indexes |= Q(petitioner__phone_index=crypto.blind_index(normalize_phone(phone)))
    if not indexes:
        return []
    petition_ids = PetitionParty.objects.filter(indexes).values("petition_id")
    return list(
        petitions_visible_to(user=user)
        .filter(id__in=petition_ids)
        .select_related("category", "locality")
        .order_by("-received_at", "-id")[:limit]
    )
