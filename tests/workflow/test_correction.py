"""A mistaken action is undone by a new, audited correcting event; history is never edited."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from tests.conftest import act
from tests.workflow.test_procedure import running
from xinfang.petitions.models import Petition, PetitionEvent, PetitionStatus
from xinfang.workflow.clocks import Level, clock_state
from xinfang.workflow.exceptions import RuleViolation
from xinfang.workflow.models import Clock, Evaluation, Notice
from xinfang.workflow.selectors import petitions_by_deadline
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


def test_correcting_an_evaluation_voids_it_so_the_right_rating_can_be_entered(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "reply", actors.head, on=date(2026, 4, 20), outcome="supported", facts="f", decision="d",
        legal_basis="b")
    act(registered, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="in_person")
    act(registered, "evaluate", actors.clerk, on=date(2026, 4, 25), rating="dissatisfied", rated_by="petitioner")
    petition_correct(petition_id=registered.pk, actor=actors.reviewer, reason="评价录反了")
    act(registered, "evaluate", actors.clerk, on=date(2026, 4, 26), rating="satisfied", rated_by="petitioner")
    ratings = list(Evaluation.objects.filter(petition=registered).values_list("rating", "voided"))
    assert ratings == [("dissatisfied", True), ("satisfied", False)]  # the mistaken row stays, void


def test_a_clock_paused_for_a_hearing_is_at_no_warning_level(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "hearing_start", actors.head, on=date(2026, 3, 20))
    handling = running(registered, Clock.Kind.HANDLING)
    long_after = handling.statutory_due + timedelta(days=60)
    assert clock_state(clock=handling, today=long_after).level == Level.PAUSED
    petitions = Petition.objects.filter(pk=registered.pk)
    for level in (Level.OVERDUE, Level.SERIOUSLY_OVERDUE):
        assert not petitions_by_deadline(queryset=petitions, level=level, today=long_after).exists()
    act(registered, "hearing_end", actors.head, on=date(2026, 3, 30))
    assert petitions_by_deadline(queryset=petitions, level=Level.OVERDUE, today=long_after).exists()
