"""Art 30 ¶3: an attempt to send an accusation to the accused unit is refused, changes nothing, and is recorded.

Through every door (the case page, the API, the inbox's bulk 转送): exactly one RefusedDestination and one
audit event, written after the action's transaction rolled back. Other refusals leave no such record; the
import's replay (history from another system, rejected with its row) leaves none either.
"""

from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import petition_input
from xinfang.api.services import api_token_create
from xinfang.audit.models import AuditEvent
from xinfang.petitions.models import Petition, PetitionStatus, PetitionType
from xinfang.petitions.services import petition_register
from xinfang.workflow.exceptions import AccusedUnitRefused, RuleViolation
from xinfang.workflow.models import RefusedDestination
from xinfang.workflow.services import petition_act

pytestmark = pytest.mark.django_db
AUDIT_ACTION = "petition.refused_destination"


@pytest.fixture
def accusation(district, category, actors) -> Petition:
    """An accusation against 青石镇, registered by the office."""
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk), actor=district.clerk)
    return petition


def state(petition: Petition) -> tuple:
    petition = Petition.objects.get(pk=petition.pk)
    return (petition.status, petition.handling_org_id, petition.version, petition.events.count(),
            petition.clocks.count(), petition.notices.count())


def assert_one_record(petition, before, *, action, org, actor) -> RefusedDestination:
    assert state(petition) == before  # the refused action changed nothing
    (record,) = RefusedDestination.objects.all()
    assert (record.petition_id, record.action, record.org_id, record.actor_id, record.actor_org_id) == (
        petition.pk, action, org.pk, actor.pk, actor.org_id)
    assert record.article == "《信访工作条例》第三十条第三款" and "被检举控告" in record.message
    (event,) = AuditEvent.objects.filter(action=AUDIT_ACTION)
    assert event.data["org"] == org.pk and event.data["action"] == action
    return record


def test_the_case_page_refusal_is_recorded_once_and_changes_nothing(client, accusation, district, actors):
    before = state(accusation)
    client.force_login(actors.reviewer)
    response = client.post(reverse("petition-action", args=[accusation.pk, "forward"]),
                           {"handling_org": district.township_a.pk, "expected_version": accusation.version})
    assert response.status_code == 200 and "被检举控告的单位" in response.content.decode()
    assert_one_record(accusation, before, action="forward", org=district.township_a, actor=actors.reviewer)


def test_the_api_refusal_is_recorded_once(client, accusation, district, actors):
    before = state(accusation)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=actors.reviewer)}"}
    response = client.post(f"/api/v1/petitions/{accusation.pk}/actions/assign",
                           {"values": {"handling_org": district.township_a.pk}}, content_type="application/json",
                           **auth)
    assert response.status_code == 422 and "第二十二条" in str(response.json())
    assert_one_record(accusation, before, action="assign", org=district.township_a, actor=actors.reviewer)


def test_the_bulk_dispatch_refusal_is_recorded_once(client, accusation, district, category, actors):
    other, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk)
    before = state(accusation)
    client.force_login(actors.reviewer)
    response = client.post(reverse("supervision:bulk-dispatch"), {
        "action": "forward", "handling_org": district.township_a.pk, "petitions": [other.pk, accusation.pk]})
    assert response.status_code == 200
    assert [o.done for o in response.context["outcomes"]] == [True, False]
    assert Petition.objects.get(pk=other.pk).status == PetitionStatus.FORWARDED
    assert_one_record(accusation, before, action="forward", org=district.township_a, actor=actors.reviewer)


def test_naming_the_accused_unit_as_accepting_organ_is_recorded(accusation, district, actors):
    petition_act(petition_id=accusation.pk, action="forward", actor=actors.reviewer,
                 values={"handling_org": district.township_b.pk})
    before = state(accusation)
    with pytest.raises(AccusedUnitRefused, match="被检举控告的单位受理"):
        petition_act(petition_id=accusation.pk, action="designate_acceptor", actor=actors.reviewer,
                     values={"accepting_org": district.township_a.pk, "involved_org": district.township_a.pk,
                             "acceptance_basis": "negotiated"})
    assert_one_record(accusation, before, action="designate_acceptor", org=district.township_a,
                      actor=actors.reviewer)


def test_other_refusals_and_allowed_destinations_leave_no_record(accusation, district, category, actors):
    litigation, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                          litigation_related=True), actor=district.clerk)
    with pytest.raises(RuleViolation, match="政法机关") as refused:
        petition_act(petition_id=litigation.pk, action="forward", actor=actors.reviewer,
                     values={"handling_org": district.township_a.pk})
    assert not isinstance(refused.value, AccusedUnitRefused)
    with pytest.raises(RuleViolation, match="信访部门"):
        petition_act(petition_id=accusation.pk, action="forward", actor=actors.reviewer,
                     values={"handling_org": district.office.pk})
    petition_act(petition_id=accusation.pk, action="forward", actor=actors.reviewer,
                 values={"handling_org": district.township_b.pk})  # not the accused unit: allowed
    assert not RefusedDestination.objects.exists()
    assert not AuditEvent.objects.filter(action=AUDIT_ACTION).exists()


def test_a_replayed_step_refused_leaves_no_record(accusation, district, actors):
    """The import's replay (and the demo) pass `replaying`: the step fails with its row, no attempt is kept."""
    with pytest.raises(AccusedUnitRefused):
        petition_act(petition_id=accusation.pk, action="forward", actor=actors.reviewer,
                     values={"handling_org": district.township_a.pk}, acted_on=date(2026, 3, 3), replaying=True)
    assert not RefusedDestination.objects.exists()


@pytest.mark.parametrize(("engine", "dry_run"), [("services", False), ("bulk", False), ("services", True)])
def test_an_import_row_forwarding_an_accusation_to_the_accused_unit_is_rejected_without_a_record(
        registered, district, actors, tmp_path, engine, dry_run):
    from tests.exchange.test_import import exported, write_jsonl
    from xinfang.exchange.jobs import import_job_submit
    from xinfang.orgs.models import Role
    from xinfang.orgs.services import user_create

    importer = user_create(username="importer", password="pw-123456", org=district.office,
                           roles=[Role.ADMINISTRATOR], is_superuser=True)  # only a superuser imports

    petition_act(petition_id=registered.pk, action="forward", actor=actors.reviewer,
                 values={"handling_org": district.township_a.pk})
    record = {**exported(), "petition_type": "accusation", "complained_org": district.township_a.region_code}
    assert [step["action"] for step in record["history"]] == ["forward"]
    path = write_jsonl(tmp_path / "in.jsonl", [record])
    if dry_run:
        from django.test import override_settings

        with override_settings(XINFANG_IMPORT_JOBS="inline"):
            job = import_job_submit(actor=importer, path=path, file_name="in.jsonl", mode="all_or_nothing",
                                    dry_run=True)
        errors = [message for _, _, message in job.errors]
    else:
        from xinfang.exchange.importer import import_file

        errors = [error.message for error in import_file(path=path, actor=importer, mode="good_rows",
                                                         engine=engine).errors]
    assert len(errors) == 1 and "被检举控告的单位" in errors[0]
    assert not RefusedDestination.objects.exists()
    assert not AuditEvent.objects.filter(action=AUDIT_ACTION).exists()
