"""审计日志 for the security auditor (安全审计员): every event, newest first, filtered; read-only (三权分立).

Only auditors and superusers open it; the system administrator does not (nor the admin's audit pages). Entries
about an accusation Art 30 hides from the reader are left out, as in the admin. Each look is itself audited.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from xinfang.audit.models import AuditEvent
from xinfang.audit.services import audit_record
from xinfang.orgs.models import Role, User

PAGE_SIZE = 100


def can_read_audit_log(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.AUDITOR)


def audit_events_visible_to(*, user: User):
    if not can_read_audit_log(user):
        raise PermissionDenied("审计日志只由安全审计员查看")
    from xinfang.petitions.selectors import petitions_hidden_from

    hidden = petitions_hidden_from(user=user).annotate(text_id=Cast("pk", CharField())).values("text_id")
    return AuditEvent.objects.exclude(target_type="petitions.petition", target_id__in=hidden)


def _day(text: str):
    try:
        return parse_date(text[:10]) if text else None
    except ValueError:  # 2026-02-30: no such day, no filter
        return None


def audit_log(request: HttpRequest) -> HttpResponse:
    events = audit_events_visible_to(user=request.user)
    action = request.GET.get("action", "").strip()[:60]
    actor = request.GET.get("actor", "").strip()[:150]
    start, end = _day(request.GET.get("start", "")), _day(request.GET.get("end", ""))
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label=actor)
    tz = timezone.get_current_timezone()
    if start:
        events = events.filter(occurred_at__gte=datetime.combine(start, time.min, tz))
    if end:
        events = events.filter(occurred_at__lt=datetime.combine(end + timedelta(days=1), time.min, tz))
    page = Paginator(events.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    with transaction.atomic():  # the chain is appended only inside a transaction
        audit_record(actor=request.user, action="audit.viewed", target=None,
                     data={"action": action, "actor": actor, "start": str(start or ""), "end": str(end or ""),
                           "page": page.number})
    return render(request, "audit/log.html", {"page": page, "action": action, "actor": actor, "start": start,
                                              "end": end})
