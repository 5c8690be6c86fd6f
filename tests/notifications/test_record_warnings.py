"""超期 warnings of supervision records: raised by the deadline scan once per record, to the addressed unit's heads
and the issuing office's supervisors, never into the accused unit (Art 30)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import act, petition_input
from xinfang.audit.models import AuditEvent
from xinfang.notifications.models import Notification, RecordWarning
from xinfang.notifications.services import deadlines_scan, notification_url
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import PetitionType
from xinfang.petitions.services import petition_register
from xinfang.supervision.selectors_records import records_visible
from xinfang.supervision.services_accountability import RectificationInput, rectification_issue
from xinfang.supervision.services_instructions import InstructionInput, instruction_record, instruction_respond
from xinfang.supervision.services_records import (
    RecommendationInput,
    SupervisionInput,
    supervision_issue,
    supervision_respond,
    recommendation_issue,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ISSUED = TODAY - timedelta(days=30)


@pytest.fixture
def people(district, actors):
    supervisor = user_create(username="duban", password="pw-123456", org=district.office, roles=[Role.SUPERVISOR])
    leader = user_create(username="lingdao", password="pw-123456", org=district.county, roles=[Role.LEADER])
    return supervisor, leader


def notified(record_kind, number):
    return sorted(n.recipient.username for n in Notification.objects.filter(
        record_warning__kind=record_kind, record_warning__number=number))


def test_each_overdue_record_warns_its_units_heads_and_the_office_once(district, category, actors, people):
    supervisor, leader = people
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                        received_at=timezone.now() - timedelta(days=40)),
                                    actor=district.clerk)
    act(petition, "forward", actors.reviewer, handling_org=district.township_a.pk)
    late = supervision_issue(data=SupervisionInput(kind="phone", petition_id=petition.pk, issued_on=ISSUED,
                                                   due_on=TODAY - timedelta(days=2)), actor=supervisor)
    answered = supervision_issue(data=SupervisionInput(kind="phone", petition_id=petition.pk, issued_on=ISSUED,
                                                       due_on=TODAY - timedelta(days=2)), actor=supervisor)
    supervision_respond(supervision_id=answered.pk, response="已办理。", actor=actors.head)
    not_yet = recommendation_issue(data=RecommendationInput(
        kind="improve_work", target_org_id=district.township_b.pk, subject="改进", content="问题。", issued_on=ISSUED,
        due_on=TODAY), actor=supervisor)
    order = rectification_issue(data=RectificationInput(
        kind="order", target_org_id=district.township_b.pk, subject="整改", content="问题。", issued_on=ISSUED,
        due_on=TODAY - timedelta(days=1)), actor=supervisor)
    instruction = instruction_record(data=InstructionInput(petition_id=petition.pk, text="请妥善处理。",
                                                           issued_on=ISSUED, due_on=TODAY - timedelta(days=1)),
                                     actor=leader)
    before = Notification.objects.filter(record_warning__isnull=False).count()

    first = deadlines_scan(today=TODAY)
    second = deadlines_scan(today=TODAY)
    assert second.warnings == 0 and before == 0
    assert Notification.objects.filter(record_warning__isnull=False).count() == first.notifications == 6
    assert RecordWarning.objects.count() == 3  # not the answered 督办, nor the 建议 due today
    assert notified("supervision", late.number) == sorted([actors.head.username, supervisor.username])
    assert notified("rectification", order.number) == sorted([actors.other_township_head.username,
                                                              supervisor.username])
    # a 批示 warns the routed unit's heads (here the handling unit) and the registering office's supervisors
    assert notified("instruction", instruction.number) == sorted([actors.head.username, supervisor.username])
    assert not RecordWarning.objects.filter(number__in=[answered.number, not_yet.number]).exists()

    note = Notification.objects.get(record_warning__number=order.number, recipient=supervisor)
    assert note.title == f"【超期】{order.number} 约谈、限期整改" and "尚未报送整改情况" in note.body
    assert notification_url(note) == f"/supervision/rectifications/{order.pk}/"
    note = Notification.objects.get(record_warning__number=instruction.number, recipient=actors.head)
    assert note.petition_id == petition.pk
    assert notification_url(note) == f"/petitions/{petition.pk}/#instruction-{instruction.pk}"
    events = AuditEvent.objects.filter(action="notifications.record_warning_raised")
    assert events.count() == 3

    # once answered, nothing more; a record answered before its first scan is never warned
    instruction_respond(instruction_id=instruction.pk, text="已落实。", final=True, actor=actors.head)
    deadlines_scan(today=TODAY + timedelta(days=5))
    assert RecordWarning.objects.count() == 4  # only the 建议, due today, now late
    assert notified("recommendation", not_yet.number) == sorted([actors.other_township_head.username,
                                                                 supervisor.username])


def test_a_record_about_an_accusation_never_warns_the_accused_unit(district, category, actors, people):
    supervisor, leader = people
    accusation, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk, received_at=timezone.now() - timedelta(days=40)),
        actor=district.clerk)
    order = rectification_issue(data=RectificationInput(
        kind="order", target_org_id=district.township_b.pk, subject="整改", content="问题。", issued_on=ISSUED,
        due_on=TODAY - timedelta(days=1), petition_ids=(accusation.pk,)), actor=supervisor)
    instruction = instruction_record(data=InstructionInput(petition_id=accusation.pk, text="请依法查处。",
                                                           issued_on=ISSUED, due_on=TODAY - timedelta(days=1)),
                                     actor=leader)
    deadlines_scan(today=TODAY)
    assert RecordWarning.objects.count() == 2
    warned = Notification.objects.filter(record_warning__number__in=[order.number, instruction.number])
    assert sorted(warned.filter(recipient=supervisor).values_list("record_warning__number", flat=True)) == sorted(
        [order.number, instruction.number])
    # nobody inside the accused unit; and of the addressed unit only who may see the accusation (records_visible)
    assert not warned.filter(recipient__org__in=[district.township_a, district.village_a1]).exists()
    baisha_sees = records_visible(type(order), user=actors.other_township_head).filter(pk=order.pk).exists()
    assert warned.filter(recipient=actors.other_township_head).exists() == baisha_sees
