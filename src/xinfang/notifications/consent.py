"""Petitioners' consent to SMS about their matter (短信告知同意): recorded by the registering office, append-only.

The newest row per (petition, petitioner) decides; withdrawing is a new row that says no. Only a valid mainland
mobile number can consent: an SMS cannot reach a landline.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.notifications.models import SmsConsent
from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Petition, PetitionParty
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.validators import normalize_phone

# The people who take the petitioner's word at intake and keep the file (the registering office).
CONSENT_ROLES = (Role.INTAKE_CLERK, Role.REVIEWER)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
NO_MOBILE = "该信访人没有登记有效的手机号码，不能同意接收短信告知（请先核实手机号码）"


def mobile_number(phone: str) -> str | None:
    """The normalised mainland mobile number, or None for a landline, a bad or an empty number."""
    normalised = normalize_phone(phone or "")
    return normalised if MOBILE_RE.match(normalised) else None


def can_record_consent(*, actor: User, petition: Petition) -> bool:
    """The registering office's clerks and reviewers (and a superuser of that office). Visibility apart."""
    if actor.org_id is None or actor.org_id != petition.registering_org_id:
        return False
    return actor.is_superuser or actor.has_role(*CONSENT_ROLES)


def consents_current(*, petition_id: int) -> dict[int, SmsConsent]:
    """The deciding (newest) consent of each petitioner of the petition who has one, by petitioner id."""
    latest: dict[int, SmsConsent] = {}
    for consent in SmsConsent.objects.filter(petition_id=petition_id).order_by("id"):
        latest[consent.petitioner_id] = consent
    return latest


def consent_current(*, petition_id: int, petitioner_id: int) -> SmsConsent | None:
    return SmsConsent.objects.filter(petition_id=petition_id, petitioner_id=petitioner_id).order_by("-id").first()


@transaction.atomic
def sms_consent_record(*, petition_id: int, petitioner_id: int, given: bool, method: str, actor: User,
                       note: str = "") -> SmsConsent:
    """Record that a petitioner gave or withdrew consent to SMS about this matter."""
    petition = petitions_visible_to(user=actor).filter(pk=petition_id).first()
    if petition is None:
        raise PermissionDenied("无权查看该信访事项")
    if not can_record_consent(actor=actor, petition=petition):
        raise PermissionDenied("只有登记该事项的信访部门的登记员、审核员可以记录短信告知同意")
    party = PetitionParty.objects.filter(petition=petition, petitioner_id=petitioner_id).select_related(
        "petitioner").first()
    if party is None:
        raise ValidationError({"petitioner": ["该信访人不属于此信访事项"]})
    if given and mobile_number(party.petitioner.phone) is None:
        raise ValidationError({"given": [NO_MOBILE]})
    consent = SmsConsent(petition=petition, petitioner=party.petitioner, given=given, method=method,
                         note=note.strip()[:200], recorded_by=actor)
    consent.full_clean()
    consent.save()
    audit_record(actor=actor, action="notifications.sms_consent", target=consent,
                 data={"petition": petition.number, "petitioner": petitioner_id, "given": given, "method": method})
    return consent


@transaction.atomic
def sms_consents_record_at_registration(*, petition: Petition, methods: dict[int, str],
                                        actor: User) -> list[SmsConsent]:
    """At registration: consent of the petitioners at these positions (the form's filled rows), with how.

    Called inside the registration's transaction, so a refused consent leaves nothing registered.
    """
    parties = {party.position: party for party in petition.parties.select_related("petitioner")}
    errors = {f"petitioners.{position}.sms_consent": [NO_MOBILE] for position in methods
              if position not in parties or mobile_number(parties[position].petitioner.phone) is None}
    if errors:
        raise ValidationError(errors)
    return [sms_consent_record(petition_id=petition.pk, petitioner_id=parties[position].petitioner_id, given=True,
                               method=method, actor=actor, note="登记时记录")
            for position, method in sorted(methods.items())]
