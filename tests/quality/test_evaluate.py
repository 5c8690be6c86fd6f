"""Evaluating a case: auto items from the record, notes for lost points, scope and Art 30, append-only history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import petition_input
from tests.quality.conftest import full_marks
from xinfang.audit.models import AuditEvent
from xinfang.orgs.models import Org, Role
from xinfang.orgs.services import org_create, user_create
from xinfang.petitions.models import PetitionType
from xinfang.petitions.services import petition_register
from xinfang.quality.config import quality_config
from xinfang.quality.models import ItemScore, QualityEvaluation
from xinfang.quality.selectors import evaluations_visible_to
from xinfang.quality.services import ItemInput, auto_suggestions, current_evaluation, quality_evaluate

pytestmark = pytest.mark.django_db


def checklist(key):
    return quality_config().checklist(key)


def suggested_scores(petition, spec):
    """Each item as the system suggests it (full or 0), with its reason as the note; manual items full."""
    found = auto_suggestions(petition=petition, checklist=spec)
    return {item.key: (ItemInput(item.points) if item.key not in found or found[item.key].met
                       else ItemInput(0, found[item.key].reason_zh)) for item in spec.items}


def test_auto_items_are_met_on_a_case_handled_on_time(cases):
    found = auto_suggestions(petition=cases.on_time, checklist=checklist("standardization"))
    assert {key: result.met for key, result in found.items()} == {
        "registration_complete": True, "acceptance_notice_on_time": True, "handled_on_time": True,
        "decision_letter_complete": True, "delivered": True, "evaluated": True}


def test_a_late_acceptance_notice_scores_zero_on_that_item(cases, actors):
    spec = checklist("first_contact")
    found = auto_suggestions(petition=cases.late, checklist=spec)
    assert found["disposition_on_time"].met is True
    assert found["acceptance_notice_on_time"].met is False
    assert "超过法定截止日" in found["acceptance_notice_on_time"].reason_zh
    evaluation = quality_evaluate(petition_id=cases.late.pk, checklist=spec.key, actor=actors.reviewer,
                                  scores=suggested_scores(cases.late, spec))
    item = evaluation.items.get(key="acceptance_notice_on_time")
    assert (item.earned, item.auto_suggested, item.source) == (0, 0, ItemScore.Source.AUTO_CONFIRMED)
    assert (evaluation.points_earned, evaluation.points_possible, str(evaluation.score), evaluation.grade) == (
        80, 100, "80.00", "合格")


def test_the_other_auto_items_read_the_record(cases):
    found = auto_suggestions(petition=cases.late, checklist=checklist("standardization"))
    assert not found["handled_on_time"].met and "尚未完成" in found["handled_on_time"].reason_zh
    assert not found["decision_letter_complete"].met and not found["delivered"].met and not found["evaluated"].met
    cases.late.demands = ""
    assert found["registration_complete"].met
    assert auto_suggestions(petition=cases.late, checklist=checklist("standardization"))[
        "registration_complete"].reason_zh == "缺少：诉求"


def test_a_score_below_full_needs_a_note_and_bad_input_saves_nothing(cases, actors):
    spec = checklist("first_contact")
    scores = full_marks(spec, first_reception=ItemInput(10), ownership=ItemInput(25, "超出"))
    with pytest.raises(ValidationError) as error:
        quality_evaluate(petition_id=cases.on_time.pk, checklist=spec.key, actor=actors.reviewer, scores=scores)
    assert error.value.message_dict == {"first_reception": ["未得满分的，须写明扣分说明"],
                                        "ownership": ["得分应在0至20分之间"]}
    assert not QualityEvaluation.objects.exists() and not ItemScore.objects.exists()
    assert not AuditEvent.objects.filter(action="quality.evaluate").exists()


def test_an_override_is_recorded_and_the_save_audited(cases, actors):
    spec = checklist("first_contact")
    scores = full_marks(spec, first_reception=ItemInput(10, "未告知办理期限"))  # the late notice given full: an override
    evaluation = quality_evaluate(petition_id=cases.late.pk, checklist=spec.key, actor=actors.reviewer,
                                  scores=scores)
    sources = dict(evaluation.items.values_list("key", "source"))
    assert sources == {"registration_complete": "auto_confirmed", "disposition_on_time": "auto_confirmed",
                       "acceptance_notice_on_time": "auto_overridden", "first_reception": "manual",
                       "ownership": "manual"}
    assert evaluation.unit == cases.late.handling_org and evaluation.points_earned == 90
    event = AuditEvent.objects.get(action="quality.evaluate")
    assert event.target_id == str(evaluation.pk) and event.data["overridden"] == ["acceptance_notice_on_time"]


def test_an_evaluation_is_immutable_and_a_re_evaluation_supersedes_it(cases, actors):
    spec = checklist("first_contact")
    first = quality_evaluate(petition_id=cases.on_time.pk, checklist=spec.key, actor=actors.reviewer,
                             scores=full_marks(spec, ownership=ItemInput(0, "重复转办")))
    first.score = 100
    with pytest.raises(ValidationError, match="不能修改"):
        first.save()
    with pytest.raises(ValidationError, match="不能修改"):
        first.items.first().delete()
    # a second evaluation must name the current one: one made without it is refused as stale
    with pytest.raises(ValidationError, match="已有更新的评查结果"):
        quality_evaluate(petition_id=cases.on_time.pk, checklist=spec.key, actor=actors.reviewer,
                         scores=full_marks(spec))
    second = quality_evaluate(petition_id=cases.on_time.pk, checklist=spec.key, actor=actors.reviewer,
                              scores=full_marks(spec), supersedes_id=first.pk)
    first.refresh_from_db()
    assert (first.points_earned, str(first.score), first.superseded_by) == (80, "80.00", second)
    assert current_evaluation(petition=cases.on_time, checklist=spec.key) == second
    assert QualityEvaluation.objects.count() == 2 and ItemScore.objects.count() == 10
    with pytest.raises(ValidationError, match="已有更新的评查结果"):  # the first cannot be superseded twice
        quality_evaluate(petition_id=cases.on_time.pk, checklist=spec.key, actor=actors.reviewer,
                         scores=full_marks(spec), supersedes_id=first.pk)


def test_only_an_office_reviewer_or_supervisor_evaluates(cases, actors, district):
    spec = checklist("first_contact")
    supervisor = user_create(username="duban", password="pw-123456", org=district.office, roles=[Role.SUPERVISOR])
    assert quality_evaluate(petition_id=cases.on_time.pk, checklist=spec.key, actor=supervisor,
                            scores=full_marks(spec)).evaluator == supervisor
    county_supervisor = user_create(username="county-duban", password="pw-123456", org=district.county,
                                    roles=[Role.SUPERVISOR])
    for user in (actors.handler, actors.head, district.clerk, county_supervisor):
        with pytest.raises(PermissionDenied):
            quality_evaluate(petition_id=cases.late.pk, checklist=spec.key, actor=user, scores=full_marks(spec))
    assert QualityEvaluation.objects.count() == 1


def test_the_accused_unit_can_neither_evaluate_nor_see_an_accusation(district, category, actors, client):
    township_office = org_create(name="青石镇信访办", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.TOWNSHIP,
                                 parent=district.township_a)
    township_reviewer = user_create(username="qs-reviewer", password="pw-123456", org=township_office,
                                    roles=[Role.REVIEWER])
    accusation, _ = petition_register(data=petition_input(
        locality=district.village_a1, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk), actor=district.clerk)
    ordinary, _ = petition_register(data=petition_input(locality=district.village_a1, category=category),
                                    actor=district.clerk)
    spec = checklist("first_contact")
    evaluation = quality_evaluate(petition_id=accusation.pk, checklist=spec.key, actor=actors.reviewer,
                                  scores=full_marks(spec))
    quality_evaluate(petition_id=ordinary.pk, checklist=spec.key, actor=township_reviewer, scores=full_marks(spec))
    with pytest.raises(PermissionDenied):
        quality_evaluate(petition_id=accusation.pk, checklist=spec.key, actor=township_reviewer,
                         scores=full_marks(spec), supersedes_id=evaluation.pk)
    assert list(evaluations_visible_to(user=township_reviewer).values_list("petition", flat=True)) == [ordinary.pk]
    client.force_login(township_reviewer)
    assert client.get(f"/quality/evaluations/{evaluation.pk}/").status_code == 404
    assert client.get(f"/quality/petitions/{accusation.pk}/evaluate/").status_code == 404
    assert accusation.number not in client.get("/quality/").content.decode()
    response = client.get(f"/quality/find/?number={accusation.number}", follow=True)
    assert "没有找到您可以查看的信访事项" in response.content.decode()
    assert QualityEvaluation.objects.filter(petition=accusation).count() == 1
