"""The procedure's reactions to other apps: a registration starts the office's clock; a calendar change
(a loaded holiday schedule, a regional day) recomputes the open deadlines it touches."""

from django.dispatch import receiver
from django.utils import timezone

from xinfang.calendars.signals import calendar_days_changed
from xinfang.petitions.signals import petition_registered
from xinfang.workflow.clocks import clock_start, clocks_recompute_for_calendar
from xinfang.workflow.models import Clock


@receiver(petition_registered)
def _start_disposition_clock(sender, petition, **kwargs) -> None:
    # Art 22: the petition office disposes of a matter within 15 days of receiving it.
    clock_start(petition=petition, kind=Clock.Kind.DISPOSITION, org=petition.registering_org,
                started_on=timezone.localtime(petition.received_at).date())


@receiver(calendar_days_changed)
def _recompute_touched_clocks(sender, days, org_path, year, cause, cause_data, actor, **kwargs):
    # Sent inside the calendar change's transaction: the deadlines move with it or not at all.
    return clocks_recompute_for_calendar(days=days, org_path=org_path, year=year, cause=cause,
                                         cause_data=cause_data, actor=actor)
