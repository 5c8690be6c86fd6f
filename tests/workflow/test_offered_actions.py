"""The 意见书 form offers what fits; buttons that can no longer apply are not shown (issue 12 item 10)."""

import pytest

from tests.conftest import act, petition_input
from xinfang.petitions.models import PetitionType
from xinfang.petitions.services import petition_register
from xinfang.web.action_forms import action_form_class
from xinfang.workflow.choices import Outcome
from xinfang.workflow.exceptions import RuleViolation
from xinfang.workflow.rules import RULES_BY_ACTION
from xinfang.workflow.services import actions_allowed

pytestmark = pytest.mark.django_db


def accepted(petition, district, actors):
    act(petition, "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(petition, "accept", actors.handler)
    petition.refresh_from_db()
    return petition


def reply_form(petition, actors):
    return action_form_class(rule=RULES_BY_ACTION["reply"], petition=petition, user=actors.head)()


@pytest.mark.parametrize(("petition_type", "offered"), [
    (PetitionType.GRIEVANCE, ["supported", "partly_supported", "explained", "not_supported"]),
    (PetitionType.SUGGESTION, ["adopted", "partly_adopted", "not_adopted"]),
    (PetitionType.ACCUSATION, ["substantiated", "partly_substantiated", "unsubstantiated"]),
])
def test_the_decision_form_offers_only_the_outcomes_of_the_matters_type(district, category, actors, petition_type,
                                                                      offered):
    accused = {"complained_org_id": district.department.pk} if petition_type == PetitionType.ACCUSATION else {}
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                        petition_type=petition_type, **accused), actor=district.clerk)
    form = reply_form(accepted(petition, district, actors), actors)
    assert [value for value, _ in form.fields["outcome"].choices if value] == offered
    assert [label for value, label in form.fields["outcome"].choices if value] == [Outcome(v).label for v in offered]


def test_the_decision_form_labels_its_fields_distinctly(registered, district, actors):
    form = reply_form(accepted(registered, district, actors), actors)
    labels = [field.label for field in form.fields.values() if field.label]
    assert len(labels) == len(set(labels)), labels
    assert (form.fields["outcome"].label, form.fields["decision"].label) == ("处理结论", "处理意见")


def delivered(petition, district, actors):
    accepted(petition, district, actors)
    act(petition, "reply", actors.head, outcome="supported", facts="f", decision="d", legal_basis="b")
    act(petition, "deliver", actors.handler, delivery_method="in_person")
    petition.refresh_from_db()
    return petition


def offered(petition, actor):
    petition.refresh_from_db()
    return [rule.action for rule in actions_allowed(petition=petition, actor=actor)]


def test_the_rating_is_not_offered_once_the_matter_is_rated(client, registered, district, actors):
    delivered(registered, district, actors)
    assert "evaluate" in offered(registered, actors.handler)
    act(registered, "evaluate", actors.handler, rating="satisfied", rated_by="petitioner")
    assert "evaluate" not in offered(registered, actors.handler)
    assert "evaluate" not in offered(registered, actors.reviewer)
    client.force_login(actors.handler)
    assert "/actions/evaluate/" not in client.get(f"/petitions/{registered.pk}/").content.decode()
    # Still refused if posted (the same check).
    with pytest.raises(RuleViolation, match="已评价"):
        act(registered, "evaluate", actors.handler, rating="satisfied", rated_by="petitioner")


def test_an_extension_is_not_offered_once_the_thirty_days_are_used(client, registered, district, actors):
    accepted(registered, district, actors)
    assert "extend" in offered(registered, actors.head)
    act(registered, "extend", actors.head, days=20, reason="情况复杂")
    assert "extend" in offered(registered, actors.head)  # 10 days are left
    act(registered, "extend", actors.head, days=10, reason="仍需调查")
    assert "extend" not in offered(registered, actors.head)
    client.force_login(actors.head)
    assert "/actions/extend/" not in client.get(f"/petitions/{registered.pk}/").content.decode()
    with pytest.raises(RuleViolation, match="累计已达30日"):
        act(registered, "extend", actors.head, days=1, reason="再延")


def test_the_api_lists_the_same_actions(client, registered, district, actors):
    from xinfang.api.services import api_token_create

    delivered(registered, district, actors)
    act(registered, "evaluate", actors.handler, rating="satisfied", rated_by="petitioner")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=actors.handler)}"}
    listed = {item["action"] for item in client.get(f"/api/v1/petitions/{registered.pk}/actions", **auth).json()}
    assert "evaluate" not in listed and "request_review" in listed
