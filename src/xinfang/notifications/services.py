"""The deadline scan: raise each warning once per (clock, level), notify the people who must act, deliver.

Levels (policy [warnings], workflow/default_policy.toml):
- 临期 approaching: the statutory due date is within `approaching_working_days` working days (on the clock's
  org's calendar) and not yet passed;
- 超期 overdue: the due date has passed;
- 严重超期 seriously overdue: more than `seriously_overdue_days` days past it (the rule the case list uses).
A clock found already at a later level gets that level only (earlier ones are not sent after the fact).

Recipients: the 承办人 and 责任单位负责人 of the org the clock runs on, and the 督查督办员 of the office that
registered the petition — each only if the petition is visible to them (petitions_visible_to: Art 30 keeps a
warning about an accusation from anyone inside the accused unit).

The same scan raises the 超期 warnings of supervision records (督办, 三项建议, 约谈/限期整改, 领导批示): record_warnings.py.
"""

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.calendars.selectors import calendar_for_org, calendars_cached
from xinfang.notifications.models import ContactPoint, DeadlineWarning, Notification, WarningLevel
from xinfang.notifications.record_warnings import record_warning_url, record_warnings_scan
from xinfang.notifications.sms import send_sms
from xinfang.orgs.models import Role, User
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.workflow.clocks import OPTIONAL_WINDOWS
from xinfang.workflow.models import Clock
from xinfang.workflow.policy import Policy, current_policy

logger = logging.getLogger(__name__)

OFFICE_ROLES = (Role.SUPERVISOR,)


@dataclass
class ScanResult:
    warnings: int = 0
    notifications: int = 0
    delivered: int = 0

    def as_dict(self) -> dict:
        return {"warnings": self.warnings, "notifications": self.notifications, "delivered": self.delivered}


def warning_level(*, clock: Clock, today: date, policy: Policy) -> str | None:
    """The warning level a running clock has reached on `today`, or None."""
    if clock.paused_since is not None or clock.stopped_on is not None or clock.voided:
        return None
    if clock.kind in OPTIONAL_WINDOWS:
        return None
    late = (today - clock.statutory_due).days
    if late > policy.seriously_overdue_days:
        return WarningLevel.SERIOUSLY_OVERDUE
    if late > 0:
        return WarningLevel.OVERDUE
    horizon = calendar_for_org(org=clock.org).add_workdays(today, policy.approaching_working_days).due
    if clock.statutory_due <= horizon:
        return WarningLevel.APPROACHING
    return None


def warning_recipients(*, clock: Clock) -> list[User]:
    petition = clock.petition
    # Once a head has assigned the matter, its 承办人 is the handler warned, not every handler of the unit.
    handlers = (Q(pk=petition.assignee_id) if petition.assignee_id and clock.org_id == petition.handling_org_id
                else Q(org_id=clock.org_id, roles__role=Role.HANDLER))
    candidates = (User.objects.filter(is_active=True)
                  .filter(handlers | Q(org_id=clock.org_id, roles__role=Role.HANDLING_ORG_HEAD)
                          | Q(org_id=petition.registering_org_id, roles__role__in=OFFICE_ROLES))
                  .select_related("org").distinct().order_by("pk"))
    return [user for user in candidates if petitions_visible_to(user=user).filter(pk=petition.pk).exists()]


def _texts(*, clock: Clock, level: str, today: date) -> tuple[str, str]:
    petition = clock.petition
    label = WarningLevel(level).label
    title = f"【{label}】{petition.number} {clock.get_kind_display()}"
    if level == WarningLevel.APPROACHING:
        when = f"将于 {clock.statutory_due:%Y-%m-%d} 届满（剩余 {(clock.statutory_due - today).days} 天）"
    else:
        when = f"已于 {clock.statutory_due:%Y-%m-%d} 届满，已超期 {(today - clock.statutory_due).days} 天"
    body = (f"信访事项 {petition.number} 的{clock.get_kind_display()}（{clock.org.name}）{when}，"
            f"请及时办理。")
    return title, body


def _candidate_clocks(*, today: date, policy: Policy):
    # A generous calendar bound before the working-day test: N working days can span a long holiday.
    bound = today + timedelta(days=policy.approaching_working_days * 3 + 14)
    return (Clock.objects.filter(stopped_on__isnull=True, voided=False, paused_since__isnull=True,
                                 statutory_due__lte=bound)
            .exclude(kind__in=OPTIONAL_WINDOWS)
            .select_related("petition", "org").order_by("statutory_due", "pk"))


def warning_raise(*, clock: Clock, level: str, today: date) -> tuple[DeadlineWarning, int] | None:
    """Raise one warning and its notifications in one transaction; None if it was raised before."""
    with transaction.atomic():
        warning, created = DeadlineWarning.objects.get_or_create(
            clock=clock, level=level, defaults={"statutory_due": clock.statutory_due, "raised_on": today})
        if not created:
            return None
        title, body = _texts(clock=clock, level=level, today=today)
        recipients = warning_recipients(clock=clock)
        Notification.objects.bulk_create([
            Notification(recipient=user, title=title, body=body, petition=clock.petition, warning=warning)
            for user in recipients
        ])
        audit_record(actor=None, action="notifications.warning_raised", target=warning,
                     data={"clock": clock.pk, "kind": clock.kind, "level": level, "petition": clock.petition_id,
                           "statutory_due": clock.statutory_due.isoformat(), "recipients": len(recipients)})
    return warning, len(recipients)


def deadlines_scan(*, today: date | None = None, pause: float = 0.0) -> ScanResult:
    """Raise the warnings due today, then deliver every undelivered notification. Safe to run any number of
    times, in several processes at once, and to kill at any moment (docs/SUPERVISION.md).

    `pause`: seconds to wait after each raised warning (lets the web process write between them on SQLite).
    """
    today = today or timezone.localdate()
    policy = current_policy()
    result = ScanResult()
    with calendars_cached():
        clocks = list(_candidate_clocks(today=today, policy=policy))
        raised = set(DeadlineWarning.objects.filter(clock__in=[c.pk for c in clocks])
                     .values_list("clock_id", "level"))
        for clock in clocks:
            level = warning_level(clock=clock, today=today, policy=policy)
            if level is None or (clock.pk, level) in raised:
                continue
            outcome = warning_raise(clock=clock, level=level, today=today)
            if outcome is not None:
                result.warnings += 1
                result.notifications += outcome[1]
                if pause:
                    time.sleep(pause)
    records = record_warnings_scan(today=today, pause=pause)
    result.warnings += records[0]
    result.notifications += records[1]
    result.delivered = notifications_deliver()
    return result


def notification_url(notification: Notification) -> str:
    if notification.record_warning_id is not None:
        return record_warning_url(notification.record_warning, petition_id=notification.petition_id)
    if notification.petition_id is None:
        return reverse("notification-list")
    return reverse("petition-detail", args=[notification.petition_id])


def _claim(notification: Notification) -> bool:
    return bool(Notification.objects.filter(pk=notification.pk, delivered_at__isnull=True)
                .update(delivered_at=timezone.now()))


def notifications_deliver(*, limit: int = 1000) -> int:
    """E-mail and SMS for notifications not yet delivered; each claimed first, so sent at most once."""
    pending = (Notification.objects.filter(delivered_at__isnull=True)
               .select_related("recipient").order_by("pk")[:limit])
    delivered = 0
    site = getattr(settings, "XINFANG_SITE_URL", "").rstrip("/")
    for notification in pending:
        if not _claim(notification):
            continue  # another worker has it
        user = notification.recipient
        contact = ContactPoint.objects.filter(user=user).first()
        channels = []
        text = f"{notification.body}\n\n{site}{notification_url(notification)}"
        try:
            if user.email and (contact is None or contact.email_enabled):
                send_mail(f"[法治信访] {notification.title}", text, None, [user.email])
                channels.append("email")
            if contact is not None and contact.mobile and contact.sms_enabled:
                send_sms(contact.mobile, f"【法治信访】{notification.title}：{notification.body}")
                channels.append("sms")
        except Exception:
            logger.exception("notification %s: delivery failed", notification.pk)
            channels.append("failed")
        Notification.objects.filter(pk=notification.pk).update(channels=",".join(channels))
        delivered += 1
    return delivered


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())
