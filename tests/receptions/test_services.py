"""Schedules and receptions through the services: validation, scope, roles, history, audit, links (Art 30)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.receptions.conftest import reception_input, schedule_input, visit
from xinfang.audit.models import AuditEvent
from xinfang.prevention.history import LedgerVersion
from xinfang.receptions import services
from xinfang.receptions.indicators import INDICATORS
from xinfang.receptions.models import Reception, ReceptionPetition, ReceptionSchedule
from xinfang.receptions.selectors import (
    published_schedules,
    reception_links,
    receptions_visible_to,
    schedules_visible_to,
)
from xinfang.stats.ledgers import LedgerQuery, compute_totals

pytestmark = pytest.mark.django_db


def test_the_office_schedules_a_county_leader_and_the_history_and_audit_record_it(district, people):
    schedule = services.schedule_create(data=schedule_input(leader=people.county_leader), actor=people.office_clerk)
    assert schedule.number == "接访安排〔2026〕1号"
    assert (schedule.org, schedule.level, schedule.status) == (district.county, "county", "planned")
    version = LedgerVersion.objects.get(ledger="reception_schedule", record_id=schedule.pk)
    assert version.data["接访领导"] == "赵立新" and version.action == "安排"
    assert AuditEvent.objects.filter(action="receptions.schedule_create").count() == 1


def test_a_township_schedules_its_own_leader_but_not_the_county_s_nor_another_township_s(people):
    services.schedule_create(data=schedule_input(leader=people.township_leader), actor=people.township_a)
    for leader in (people.county_leader, people.township_b_leader):
        with pytest.raises(ValidationError) as error:
            services.schedule_create(data=schedule_input(leader=leader), actor=people.township_a)
        assert "不在本单位范围内" in error.value.message_dict["leader"][0]
    assert ReceptionSchedule.objects.count() == 1


@pytest.mark.parametrize("who", ["county_leader", "statistician"])
def test_leaders_and_statisticians_only_read(people, who):
    with pytest.raises(PermissionDenied, match="只能查看"):
        services.schedule_create(data=schedule_input(leader=people.county_leader), actor=getattr(people, who))
    with pytest.raises(PermissionDenied, match="只能查看"):
        services.reception_create(data=reception_input(leader=people.county_leader), actor=getattr(people, who))
    assert not ReceptionSchedule.objects.exists() and not Reception.objects.exists()


def test_a_non_leader_cannot_be_the_receiving_leader(people):
    with pytest.raises(ValidationError) as error:
        services.schedule_create(data=schedule_input(leader=people.township_a), actor=people.office_clerk)
    assert error.value.message_dict["leader"] == ["接访领导应为在岗的领导干部"]


def test_bad_reception_input_is_refused_field_by_field_and_nothing_is_written(people):
    data = reception_input(leader=people.county_leader, batches=5, person_times=3, amount=Decimal("1.234"),
                           place=" ", received_on=date(2099, 1, 1), kind="party")
    with pytest.raises(ValidationError) as error:
        services.reception_create(data=data, actor=people.office_clerk)
    assert error.value.message_dict == {
        "kind": ["请选择接访方式（领导接访日、约访、下访）"], "place": ["请填写接访地点"],
        "received_on": ["接访日期不能晚于今天"], "person_times": ["人次不能少于批次（每批至少1人）"],
        "amount": ["涉及资金应为不小于0、最多两位小数的数（万元）"]}
    assert not Reception.objects.exists() and not LedgerVersion.objects.exists()


def test_holding_a_schedule_marks_it_held_and_a_held_schedule_is_not_held_twice(people):
    schedule = services.schedule_create(data=schedule_input(leader=people.county_leader), actor=people.office_clerk)
    reception = services.reception_create(data=reception_input(leader=people.county_leader, schedule_id=schedule.pk),
                                          actor=people.office_clerk)
    schedule.refresh_from_db()
    assert (schedule.status, reception.schedule, reception.number) == ("held", schedule, "接访〔2026〕1号")
    with pytest.raises(ValidationError) as error:
        services.reception_create(data=reception_input(leader=people.county_leader, schedule_id=schedule.pk),
                                  actor=people.office_clerk)
    assert error.value.message_dict["schedule"] == ["接访安排〔2026〕1号已接访，不能再登记接访"]


def test_a_reception_on_a_schedule_must_be_of_its_leader(people):
    schedule = services.schedule_create(data=schedule_input(leader=people.county_leader), actor=people.office_clerk)
    with pytest.raises(ValidationError) as error:
        services.reception_create(data=reception_input(leader=people.township_leader, schedule_id=schedule.pk),
                                  actor=people.office_clerk)
    assert error.value.message_dict["leader"] == ["接访安排接访安排〔2026〕1号的接访领导是赵立新"]


def test_published_schedules_show_only_public_facts_of_published_future_uncancelled_ones(people):
    clerk = people.office_clerk
    shown = services.schedule_create(data=schedule_input(leader=people.county_leader, scheduled_on=date(2026, 12, 8)),
                                     actor=clerk)
    services.schedule_publish(schedule_id=shown.pk, publish=True, actor=clerk)
    services.schedule_create(data=schedule_input(leader=people.county_leader, scheduled_on=date(2026, 12, 9)),
                             actor=clerk)  # not published
    past = services.schedule_create(data=schedule_input(leader=people.county_leader, scheduled_on=date(2026, 12, 1)),
                                    actor=clerk)
    services.schedule_publish(schedule_id=past.pk, publish=True, actor=clerk)
    cancelled = services.schedule_create(data=schedule_input(leader=people.township_leader,
                                                             scheduled_on=date(2026, 12, 10)), actor=clerk)
    services.schedule_publish(schedule_id=cancelled.pk, publish=True, actor=clerk)
    services.schedule_cancel(schedule_id=cancelled.pk, reason="领导另有公务", actor=clerk)
    public = published_schedules(today=date(2026, 12, 2))
    assert [(item.leader_name, item.scheduled_on, item.slot, item.kind) for item in public] == [
        ("赵立新", date(2026, 12, 8), "上午", "领导接访日")]
    assert set(vars(public[0])) == {"leader_name", "org_name", "scheduled_on", "slot", "place", "kind", "topics"}


def test_a_cancelled_schedule_cannot_be_published_and_cancel_needs_a_reason(people):
    schedule = services.schedule_create(data=schedule_input(leader=people.county_leader), actor=people.office_clerk)
    with pytest.raises(ValidationError):
        services.schedule_cancel(schedule_id=schedule.pk, reason=" ", actor=people.office_clerk)
    services.schedule_cancel(schedule_id=schedule.pk, reason="改期", actor=people.office_clerk)
    with pytest.raises(ValidationError, match="已取消，不能公布"):
        services.schedule_publish(schedule_id=schedule.pk, publish=True, actor=people.office_clerk)
    assert [v.action for v in LedgerVersion.objects.filter(ledger="reception_schedule").order_by("version")] == [
        "安排", "取消"]


def test_each_reads_within_scope_and_a_leader_sees_his_own(people):
    clerk = people.office_clerk
    county = services.reception_create(data=reception_input(leader=people.county_leader), actor=clerk)
    qingshi = services.reception_create(data=reception_input(leader=people.township_leader), actor=clerk)
    baisha = services.reception_create(data=reception_input(leader=people.township_b_leader), actor=clerk)
    assert set(receptions_visible_to(user=people.statistician)) == {county, qingshi, baisha}
    assert set(receptions_visible_to(user=people.township_a)) == {qingshi}
    assert set(receptions_visible_to(user=people.township_b_leader)) == {baisha}
    assert set(receptions_visible_to(user=people.county_leader)) == {county, qingshi, baisha}
    assert not schedules_visible_to(user=people.township_b).exists()


def test_a_township_cannot_edit_the_county_s_reception(people):
    reception = services.reception_create(data=reception_input(leader=people.county_leader), actor=people.office_clerk)
    with pytest.raises(PermissionDenied):
        services.reception_update(reception_id=reception.pk, data=reception_input(leader=people.county_leader),
                                  actor=people.township_a)


def test_editing_keeps_the_previous_version_and_a_stale_edit_is_refused(people):
    reception = services.reception_create(data=reception_input(leader=people.county_leader), actor=people.office_clerk)
    services.reception_update(reception_id=reception.pk, actor=people.office_clerk, expected_version=1,
                              data=reception_input(leader=people.county_leader, batches=4, person_times=9),
                              note="补记一批")
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.reception_update(reception_id=reception.pk, data=reception_input(leader=people.county_leader),
                                  actor=people.office_clerk, expected_version=1)
    second = LedgerVersion.objects.get(ledger="reception", record_id=reception.pk, version=2)
    assert second.changes == {"批次": [3, 4], "人次": [7, 9]} and second.note == "补记一批"


def test_linking_by_number_shows_the_petition_only_to_who_may_see_it(district, people, category):
    reception = services.reception_create(data=reception_input(leader=people.county_leader), actor=people.office_clerk)
    in_baisha = visit(district, category, locality=district.township_b)
    services.reception_link_by_number(reception_id=reception.pk, number=in_baisha.number, actor=people.office_clerk,
                                      instruction="白沙镇牵头，一月内办结")
    assert [link.petition for link in reception_links(reception=reception, user=people.office_clerk)] == [in_baisha]
    assert reception_links(reception=reception, user=people.township_a) == []  # 青石镇 does not see 白沙镇's petition
    with pytest.raises(ValidationError, match="已关联"):
        services.reception_link_by_number(reception_id=reception.pk, number=in_baisha.number,
                                          actor=people.office_clerk)
    history = LedgerVersion.objects.get(ledger="reception", record_id=reception.pk, version=2)
    assert history.action == "关联信访件" and in_baisha.number not in str(history.data)


def test_linking_a_petition_the_actor_cannot_see_is_refused_like_an_unknown_number(district, people, category):
    reception = services.reception_create(data=reception_input(leader=people.township_leader), actor=people.township_a)
    hidden = visit(district, category, locality=district.township_b)
    for number in (hidden.number, "QXXF-9999"):
        with pytest.raises(ValidationError) as error:
            services.reception_link_by_number(reception_id=reception.pk, number=number, actor=people.township_a)
        assert error.value.message_dict["petition_number"] == [f"找不到信访件或无权查看：{number}"]
    assert not ReceptionPetition.objects.exists()


def test_instruction_and_unlink_keep_the_row_and_audit(district, people, category):
    reception = services.reception_create(data=reception_input(leader=people.county_leader), actor=people.office_clerk)
    petition = visit(district, category)
    link = services.reception_petition_link(reception_id=reception.pk, petition=petition, actor=people.office_clerk)
    services.reception_instruction_set(link_id=link.pk, instruction="青石镇七日内见面答复", actor=people.office_clerk)
    link.refresh_from_db()
    assert link.instruction == "青石镇七日内见面答复"
    with pytest.raises(PermissionDenied):  # a leader reads only
        services.reception_petition_unlink(link_id=link.pk, actor=people.county_leader)
    services.reception_petition_unlink(link_id=link.pk, actor=people.office_clerk)
    link.refresh_from_db()
    assert link.unlinked_by == people.office_clerk
    assert reception_links(reception=reception, user=people.office_clerk) == []
    assert AuditEvent.objects.filter(action__in=("receptions.petition_link", "receptions.instruction_set",
                                                 "receptions.petition_unlink")).count() == 3


def test_linking_at_registration_refuses_as_a_form_error(district, people, category):
    petition = visit(district, category)
    with pytest.raises(ValidationError) as error:
        services.reception_link_registered(reception_id=999999, petition=petition, actor=people.office_clerk)
    assert error.value.message_dict["__all__"] == ["未能关联领导接访记录：接访记录不存在或不在本单位范围内"]


def test_an_accusation_against_the_township_is_neither_shown_nor_counted_there(district, people, category):
    reception = services.reception_create(data=reception_input(leader=people.township_leader),
                                          actor=people.office_clerk)
    accusation = visit(district, category, petition_type="accusation", complained_org_id=district.township_a.pk,
                       summary="检举镇干部违规")
    ordinary = visit(district, category)
    for petition in (accusation, ordinary):
        services.reception_petition_link(reception_id=reception.pk, petition=petition, actor=people.office_clerk)
    assert [link.petition for link in reception_links(reception=reception, user=people.township_a)] == [ordinary]
    assert [link.petition for link in reception_links(reception=reception, user=people.township_leader)] == [ordinary]
    year = dict(start=date(2026, 1, 1), end=date(2026, 12, 31))
    indicators = [indicator for indicator in INDICATORS if indicator.key == "receptions_petitions"]
    assert compute_totals(LedgerQuery(user=people.township_a, **year), indicators)["receptions_petitions"].value == 1
    assert compute_totals(LedgerQuery(user=people.office_clerk, **year), indicators)["receptions_petitions"].value == 2
