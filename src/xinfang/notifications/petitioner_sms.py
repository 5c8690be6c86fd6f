"""SMS to petitioners at the 告知 steps, only with their recorded consent (docs/SUPERVISION.md).

When a notice of a kind the policy's [petitioner_sms] names is issued, one queued PetitionerMessage per consenting
petitioner is written in the action's own transaction (receivers.py, on the Notice's post_save), with its text
fixed then. After commit a task sends them: each is claimed (`claimed_at`) before the gateway is called, so a rerun
or a restarted worker sends nothing twice, and a crash between claim and send loses the message rather than
doubling it. A failure is recorded, not retried. A message still queued when its notice has been voided by a
correction, or its petitioner has withdrawn consent, is not sent.
"""

import logging
from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.notifications.consent import consent_current, consents_current, mobile_number
from xinfang.notifications.models import PetitionerMessage
from xinfang.notifications.sms import send_sms
from xinfang.petitions.masking import mask_phone
from xinfang.petitions.models import Petition, Petitioner, PetitionType
from xinfang.workflow.models import Clock, Notice
from xinfang.workflow.policy import SmsTemplate, current_policy

logger = logging.getLogger(__name__)

# An accusation's SMS names no organ but the sender: the phone may be seen by others (Art 30's secrecy).
ACCUSATION_ORG = "有权处理机关"
DUE_UNKNOWN = "书面告知所载日期"
# Queued messages whose task never ran (the process died between commit and enqueue) are sent by the periodic
# scan once they are this old.
STALE_AFTER = timedelta(minutes=5)

Status = PetitionerMessage.Status


def _due_text(*, petition: Petition, kind: str | None) -> str:
    if kind is None:
        return ""
    clock = (Clock.objects.filter(petition=petition, kind=kind, voided=False)
             .order_by("-started_on", "-id").first())
    return f"{clock.statutory_due:%Y年%-m月%-d日}" if clock is not None else DUE_UNKNOWN


def sms_text(*, notice: Notice, template: SmsTemplate) -> str:
    """The SMS of a notice: office, number, step and due date; never the content (policy.SMS_PLACEHOLDERS)."""
    petition = notice.petition
    accusation = petition.petition_type == PetitionType.ACCUSATION
    handling = petition.handling_org.name if petition.handling_org_id else ACCUSATION_ORG
    return template.text.format(
        office=petition.registering_org.name, number=petition.number,
        issuer=ACCUSATION_ORG if accusation else notice.issuing_org.name,
        handling_org=ACCUSATION_ORG if accusation else handling,
        due=_due_text(petition=petition, kind=template.due_clock),
    )


def petitioner_messages_queue(*, notice: Notice) -> list[PetitionerMessage]:
    """Write the queued SMS of a just-issued notice and send them after commit; [] when none is due."""
    policy = current_policy().petitioner_sms
    template = policy.templates.get(notice.kind)
    if not policy.enabled or template is None:
        return []
    consents = [consent for consent in consents_current(petition_id=notice.petition_id).values() if consent.given]
    if not consents:
        return []
    petitioners = Petitioner.objects.in_bulk([consent.petitioner_id for consent in consents])
    text = sms_text(notice=notice, template=template)
    messages = []
    for consent in consents:
        mobile = mobile_number(petitioners[consent.petitioner_id].phone)
        if mobile is None:
            continue  # the number was corrected to a landline since
        messages.append(PetitionerMessage(notice=notice, petition_id=notice.petition_id,
                                          petitioner_id=consent.petitioner_id, consent=consent,
                                          phone_masked=mask_phone(mobile), text=text))
    PetitionerMessage.objects.bulk_create(messages)
    if messages:
        from xinfang.notifications.tasks import petitioner_sms_send

        # robust: a queue that cannot take the task must not fail the committed action (the scan sends it).
        transaction.on_commit(lambda: petitioner_sms_send.enqueue(notice_id=notice.pk), robust=True)
    return messages


def _finish(message: PetitionerMessage, *, status: str, reason: str = "", phone_masked: str | None = None,
            claimed: bool = True) -> str:
    """Record a message's outcome with its audit event. Unclaimed (a cancel): only if nobody claimed it."""
    with transaction.atomic():
        rows = PetitionerMessage.objects.filter(pk=message.pk)
        if not claimed:
            rows = rows.filter(status=Status.QUEUED, claimed_at__isnull=True)
        changed = rows.update(status=status, reason=reason, finished_at=timezone.now(),
                              phone_masked=phone_masked or message.phone_masked)
        if not changed:
            return "skipped"
        audit_record(actor=None, action="notifications.petitioner_sms", target=message,
                     data={"notice": message.notice_id, "petition": message.petition_id, "status": status,
                           "phone": phone_masked or message.phone_masked, "reason": reason})
    return status


def _claim(message: PetitionerMessage) -> bool:
    return bool(PetitionerMessage.objects.filter(pk=message.pk, status=Status.QUEUED, claimed_at__isnull=True)
                .update(claimed_at=timezone.now()))


def _send_one(message: PetitionerMessage) -> str:
    if Notice.objects.filter(pk=message.notice_id, voided=True).exists():
        return _finish(message, status=Status.CANCELLED, reason="文书已因更正作废", claimed=False)
    consent = consent_current(petition_id=message.petition_id, petitioner_id=message.petitioner_id)
    if consent is None or not consent.given:
        return _finish(message, status=Status.CANCELLED, reason="信访人已撤回同意", claimed=False)
    mobile = mobile_number(Petitioner.objects.get(pk=message.petitioner_id).phone)
    if mobile is None:
        return _finish(message, status=Status.CANCELLED, reason="手机号码已无效", claimed=False)
    if not _claim(message):
        return "skipped"  # another worker has it, or a rerun
    try:
        send_sms(mobile, message.text)
    except Exception as error:  # any gateway failure: recorded, never retried silently
        # The error's kind only: a gateway's message may quote the number.
        logger.warning("petitioner SMS %s to %s failed: %s", message.pk, mask_phone(mobile), type(error).__name__)
        return _finish(message, status=Status.FAILED, reason=f"短信平台发送失败（{type(error).__name__}）",
                       phone_masked=mask_phone(mobile))
    return _finish(message, status=Status.SENT, phone_masked=mask_phone(mobile))


def petitioner_messages_send(*, notice_id: int | None = None, stale_only: bool = False) -> dict[str, int]:
    """Send the queued SMS (of one notice, or all; `stale_only`: those left behind); counts by outcome."""
    pending = PetitionerMessage.objects.filter(status=Status.QUEUED, claimed_at__isnull=True)
    if notice_id is not None:
        pending = pending.filter(notice_id=notice_id)
    if stale_only:
        pending = pending.filter(created_at__lt=timezone.now() - STALE_AFTER)
    return dict(Counter(_send_one(message) for message in pending.order_by("id")[:1000]))
