"""The procedure's reactions to other apps: a registration starts the office's clock; a loaded
holiday schedule recomputes provisional deadlines."""

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.calendars.signals import org_calendar_changed, schedule_loaded
from xinfang.petitions.signals import petition_registered
from xinfang.workflow.clocks import clock_start, clocks_recompute
from xinfang.workflow.models import Clock


@receiver(petition_registered)
def _start_disposition_clock(sender, petition, **kwargs) -> None:
    # Art 22: the petition office disposes of a matter within 15 days of receiving it.
    clock_start(petition=petition, kind=Clock.Kind.DISPOSITION, org=petition.registering_org,
                started_on=timezone.localtime(petition.received_at).date())


@receiver(schedule_loaded)
def _recompute_provisional_clocks(sender, year, **kwargs) -> None:
    with transaction.atomic():
        changed = clocks_recompute(provisional_only=True)
        audit_record(actor=None, action="workflow.clocks_recompute", data={"year": year, "changed": changed})


@receiver(org_calendar_changed)
def _recompute_regional_clocks(sender, org_id, org_path, day, **kwargs) -> None:
    # A region's own rest day or workday moves the open deadlines of its subtree that run across it.
    with transaction.atomic():
        changed = clocks_recompute(provisional_only=False, org_path=org_path, day=day)
        audit_record(actor=None, action="workflow.clocks_recompute",
                     data={"org": org_id, "day": day.isoformat(), "changed": changed})
