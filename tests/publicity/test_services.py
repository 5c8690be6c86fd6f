"""Publicity writes: validation in Chinese, stock never negative, role and scope limits, history and audit."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinfang.audit.models import AuditEvent
from xinfang.prevention.history import LedgerVersion
from xinfang.publicity import services
from xinfang.publicity.models import HISTORY_ACTIVITY, ActivityMaterial, LawExam, PublicityActivity
from xinfang.publicity.selectors import activities_visible_to, stock_of
from tests.publicity.conftest import LEAFLET, REGULATION, activity_input, kind_named

pytestmark = pytest.mark.django_db


def test_activity_draws_the_stock_down_and_keeps_history(district, stocked):
    activity = services.activity_create(data=activity_input(organiser=district.township_a, materials=(
        (REGULATION, 200), (LEAFLET, 50))), actor=district.township_a_user)
    assert activity.number == "普法〔2026〕1号"
    assert stock_of(kind_named(REGULATION).pk) == 300 and stock_of(kind_named(LEAFLET).pk) == 250
    services.activity_update(activity_id=activity.pk, actor=district.township_a_user, expected_version=1,
                             data=activity_input(organiser=district.township_a, person_times=150,
                                                 materials=((REGULATION, 500),)))
    assert stock_of(kind_named(REGULATION).pk) == 0 and stock_of(kind_named(LEAFLET).pk) == 300
    versions = list(LedgerVersion.objects.filter(ledger=HISTORY_ACTIVITY, record_id=activity.pk).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].changes["覆盖人次"] == [120, 150]
    assert versions[1].changes["发放资料"] == ["《信访工作条例》单行本200册、宣传折页50份", "《信访工作条例》单行本500册"]
    assert AuditEvent.objects.filter(action="publicity.activity_update").count() == 1


def test_stock_never_negative(district, stocked):
    with pytest.raises(ValidationError) as error:
        services.activity_create(data=activity_input(organiser=district.township_a, materials=((REGULATION, 501),)),
                                 actor=district.township_a_user)
    assert "《信访工作条例》单行本库存500册，不足发放501册" in error.value.message_dict["materials"][0]
    assert PublicityActivity.objects.count() == 0 and ActivityMaterial.objects.count() == 0
    assert stock_of(kind_named(REGULATION).pk) == 500


def test_bad_input_refused_in_chinese(district, stocked):
    with pytest.raises(ValidationError) as error:
        services.activity_create(data=activity_input(organiser=district.township_a, topic=" ", person_times=0,
                                                     held_on=timezone.localdate() + timedelta(days=1)),
                                 actor=district.township_a_user)
    assert error.value.message_dict == {"topic": ["请填写宣传主题"], "person_times": ["覆盖人次应不小于1"],
                                        "held_on": ["日期不能晚于今天"]}
    exam = services.ExamInput(held_on=date(2026, 5, 1), title="学法考试", organiser_id=district.office.pk,
                              invited=10, participants=11, passes=12)
    with pytest.raises(ValidationError) as error:
        services.exam_create(data=exam, actor=district.clerk)
    assert error.value.message_dict == {"participants": ["参考人数不能多于应考人数"], "passes": ["通过人数不能多于参考人数"]}
    assert LawExam.objects.count() == 0


def test_roles_and_scope(district, stocked, leader):
    with pytest.raises(PermissionDenied, match="领导干部、统计员只能查看"):
        services.activity_create(data=activity_input(organiser=district.township_a), actor=leader)
    with pytest.raises(ValidationError) as error:  # 白沙镇's staff cannot record for 青石镇
        services.activity_create(data=activity_input(organiser=district.township_a), actor=district.township_b_user)
    assert error.value.message_dict["organiser"] == ["组织单位不存在或不在本单位范围内"]
    activity = services.activity_create(data=activity_input(organiser=district.township_a),
                                        actor=district.township_a_user)
    assert list(activities_visible_to(user=leader)) == [activity]
    assert list(activities_visible_to(user=district.township_b_user)) == []
    assert list(activities_visible_to(user=district.clerk)) == [activity]
    with pytest.raises(PermissionDenied):
        services.activity_update(activity_id=activity.pk, data=activity_input(organiser=district.township_b),
                                 actor=district.township_b_user)


def test_training_and_exam(district):
    session = services.training_create(data=services.TrainingInput(
        held_on=date(2026, 4, 1), topic="信访工作条例解读", trainer="张老师", organiser_id=district.office.pk,
        attendees=30, hours=Decimal("2.5"), attendee_ids=(district.township_a_user.pk,)), actor=district.clerk)
    assert session.number == "培训〔2026〕1号" and list(session.attendee_users.all()) == [district.township_a_user]
    exam = services.exam_create(data=services.ExamInput(
        held_on=date(2026, 5, 1), title="学法考试", organiser_id=district.office.pk, invited=40, participants=36,
        passes=30), actor=district.clerk)
    services.exam_update(exam_id=exam.pk, actor=district.clerk, expected_version=1, data=services.ExamInput(
        held_on=date(2026, 5, 1), title="学法考试", organiser_id=district.office.pk, invited=40, participants=38,
        passes=30))
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.exam_update(exam_id=exam.pk, actor=district.clerk, expected_version=1, data=services.ExamInput(
            held_on=date(2026, 5, 1), title="x", organiser_id=district.office.pk, invited=1, participants=1, passes=1))
    exam.refresh_from_db()
    assert (exam.version, exam.participants, exam.title) == (2, 38, "学法考试")
