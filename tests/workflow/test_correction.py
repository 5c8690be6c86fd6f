"""A mistaken action is undone by a new, audited correcting event; history is never edited."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from tests.conftest import act
from tests.workflow.test_procedure import running
from xinfang.petitions.models import PetitionEvent, PetitionStatus
from xinfang.workflow.exceptions import RuleViolation
from xinfang.workflow.models import Clock, Notice
from xinfang.workflow.services import petition_correct

pytestmark = pytest.mark.django_db


def test_correcting_a_forward_to_the_wrong_org_restores_state_clocks_and_voids_the_notice(registered, district,
                                                                                          actors):
    # given: forwarded to the wrong township by mistake
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_b.pk)
    # when
    petition = petition_correct(petition_id=registered.pk, actor=actors.reviewer, reason="转送单位选错")
    # then
    assert (petition.status, petition.handling_org_id) == (PetitionStatus.REGISTERED, None)
    disposition = running(petition, Clock.Kind.DISPOSITION)
    assert disposition.statutory_due == date(2026, 3, 17)  # running again, as before
    assert not Clock.objects.filter(petition=petition, kind=Clock.Kind.ACCEPTANCE, voided=False).exists()
    assert Notice.objects.get(petition=petition).voided is True
    kinds = list(PetitionEvent.objects.filter(petition=petition).values_list("kind", flat=True))
    assert kinds == ["registered", "forward", "correct"]  # the mistaken event stays
    # and the right forward can follow
    act(petition, "forward", actors.reviewer, on=date(2026, 3, 4), handling_org=district.township_a.pk)
    assert running(petition, Clock.Kind.ACCEPTANCE).org == district.township_a


def test_correcting_an_extension_gives_back_the_days(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    due = running(registered, Clock.Kind.HANDLING).statutory_due
    act(registered, "extend", actors.head, on=date(2026, 4, 1), days=30, reason="情况复杂")
    petition_correct(petition_id=registered.pk, actor=actors.head, reason="未经负责人批准")
    handling = running(registered, Clock.Kind.HANDLING)
    assert (handling.extended_days, handling.statutory_due) == (0, due)
    # the 30 days are available again
    act(registered, "extend", actors.head, on=date(2026, 4, 2), days=30, reason="经批准")


def test_corrections_need_a_reason_a_role_and_something_to_correct(registered, district, actors):
    with pytest.raises(RuleViolation):
        petition_correct(petition_id=registered.pk, actor=actors.reviewer, reason="无")
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    with pytest.raises(PermissionDenied):
        petition_correct(petition_id=registered.pk, actor=actors.clerk, reason="登记员不能更正")
    petition_correct(petition_id=registered.pk, actor=actors.reviewer, reason="更正")
    with pytest.raises(RuleViolation):  # the forward was the only action: nothing left to correct
        petition_correct(petition_id=registered.pk, actor=actors.reviewer, reason="再次更正")
