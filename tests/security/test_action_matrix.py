"""Every rule of the rules table, attempted by every user who may not take it: refused, and nothing changes.

Who may not act, generated from the table itself: each role the rule does not name, on each side the rule
names (the registering office, the handling org, the reviewing org); users with the rule's roles outside
the scope (another township, another county); and the accused unit (users with the rule's roles, and a
superuser, in the village an accusation is about, inside the handling township). Tried through the
service (`petition_act`), the web form and the API.
"""

import json

import pytest

from tests.security.conftest import ROLE_ORGS, role_user_key, state_for, values_for
from xinfang.api.services import api_token_create
from xinfang.orgs.models import SYSTEM_ROLES, Role
from xinfang.petitions.models import Petition
from xinfang.workflow.exceptions import ActionNotPermitted
from xinfang.workflow.models import Evaluation
from xinfang.workflow.rules import RULES, Side
from xinfang.workflow.services import actions_allowed, petition_act

OUT_OF_SCOPE = ("township_b", "other_county", "other_office")
REFUSED, NOT_FOUND = "refused", "not found"


def side_orgs(rule) -> list[str]:
    """Orgs standing on each side the rule names, for the state it is tried from."""
    state = state_for(rule)
    orgs = []
    for side in rule.sides:
        if side == Side.OFFICE:
            orgs.append("county_office")
        elif side == Side.HANDLER:
            orgs.append("township_a")
        elif side == Side.REVIEWER:
            orgs.append("county" if state == "under_review" else "city")
        else:
            orgs += ["township_a", "county_office"]
    return list(dict.fromkeys(orgs))


def _attempts():
    """(rule, how, actor user key, petition kind, expected outcome) for every user who may not act."""
    for rule in RULES:
        for org in side_orgs(rule):
            for role in Role.values:
                if role in SYSTEM_ROLES:  # 三权分立: they do not even see the petition
                    yield rule, "system-role", role_user_key(org, role), "grievance", NOT_FOUND
                elif role not in rule.roles:
                    yield rule, "wrong-role", role_user_key(org, role), "grievance", REFUSED
        for org in OUT_OF_SCOPE:
            roles = rule.roles if org == "township_b" else rule.roles[:1]
            for role in roles:
                yield rule, "out-of-scope", role_user_key(org, role), "grievance", NOT_FOUND
        for role in rule.roles:
            yield rule, "accused", role_user_key("village_a1", role), "accusation", NOT_FOUND
        yield rule, "superuser-in-accused", "su-village_a1", "accusation", NOT_FOUND


ATTEMPTS = list(_attempts())
assert {key.split(":")[0] for _, _, key, _, _ in ATTEMPTS if ":" in key} <= set(ROLE_ORGS)


def _id(rule, how, actor, kind):
    return f"{rule.action}-{how}-{actor.replace(':', '-')}-{kind}"


def snapshot(pk: int) -> tuple:
    petition = Petition.objects.get(pk=pk)
    return (petition.status, petition.version, petition.handling_org_id, petition.assignee_id, petition.outcome,
            petition.legal_pathway,
            petition.events.count(), petition.notices.count(),
            Evaluation.objects.filter(petition_id=pk).count(),
            list(petition.clocks.order_by("id").values_list("id", "stopped_on", "paused_since", "extended_days",
                                                            "voided")))


def _petition(world, rule, kind):
    return world.petitions[world.state_petitions[(state_for(rule), kind)]]


@pytest.mark.parametrize(("rule", "how", "actor", "kind", "expected"),
                         [pytest.param(*a, id=_id(*a[:4])) for a in ATTEMPTS])
def test_the_service_refuses_whoever_may_not_act(world, rule, how, actor, kind, expected):
    info = _petition(world, rule, kind)
    user = world.user(actor)
    before = snapshot(info.pk)
    where = f"{rule.action} ({rule.label}) by {actor} [{how}] on {info.key} {info.number}"
    try:
        petition_act(petition_id=info.pk, action=rule.action, actor=user,
                     values=values_for(rule.action, world.orgs, world.final_number,
                                       accusation=kind == "accusation"))
    except Petition.DoesNotExist:
        outcome = NOT_FOUND
    except ActionNotPermitted:
        outcome = REFUSED
    except Exception as error:  # noqa: BLE001 - any other refusal is the wrong one: it tells what it checked
        outcome = f"{type(error).__name__}: {error}"
    else:
        outcome = "applied"
    assert snapshot(info.pk) == before, f"{where}: the petition changed"
    assert outcome == expected, f"{where}: expected {expected}, got {outcome}"
    if expected == REFUSED:  # nor is the action offered on the case page or by the API
        offered = actions_allowed(petition=Petition.objects.get(pk=info.pk), actor=world.user(actor))
        assert rule not in offered, f"{where}: offered"


# Through HTTP: one attempt of each kind per rule (the service above has them all).
def _http_attempts():
    seen = set()
    for rule, how, actor, kind, expected in ATTEMPTS:
        if (rule.action, how) not in seen:
            seen.add((rule.action, how))
            yield pytest.param(rule, how, actor, kind, expected, id=_id(rule, how, actor, kind))


HTTP_ATTEMPTS = list(_http_attempts())


@pytest.mark.parametrize(("rule", "how", "actor", "kind", "expected"), HTTP_ATTEMPTS)
def test_the_api_refuses_whoever_may_not_act(world, client, rule, how, actor, kind, expected):
    info = _petition(world, rule, kind)
    token = api_token_create(user=world.users[actor], name="matrix")
    before = snapshot(info.pk)
    payload = {"values": values_for(rule.action, world.orgs, world.final_number, accusation=kind == "accusation")}
    response = client.post(f"/api/v1/petitions/{info.pk}/actions/{rule.action}", json.dumps(payload),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    where = f"API {rule.action} by {actor} [{how}] on {info.key}"
    assert snapshot(info.pk) == before, f"{where}: the petition changed"
    assert response.status_code == (404 if expected == NOT_FOUND else 403), (
        f"{where}: got {response.status_code} {response.content[:200]!r}")
    if expected == NOT_FOUND:
        assert info.number.encode() not in response.content


@pytest.mark.parametrize(("rule", "how", "actor", "kind", "expected"), HTTP_ATTEMPTS)
def test_the_case_page_refuses_whoever_may_not_act(world, client, rule, how, actor, kind, expected):
    info = _petition(world, rule, kind)
    client.force_login(world.users[actor])
    before = snapshot(info.pk)
    url = f"/petitions/{info.pk}/actions/{rule.action}/"
    where = f"web {rule.action} by {actor} [{how}] on {info.key}"
    form = client.get(url)
    values = values_for(rule.action, world.orgs, world.final_number, accusation=kind == "accusation")
    response = client.post(url, {**values, "expected_version": before[1], "acted_on": ""}, HTTP_HX_REQUEST="true")
    assert snapshot(info.pk) == before, f"{where}: the petition changed"
    if how == "system-role":  # refused at the door for every business page (web.separation)
        assert (form.status_code, response.status_code) == (403, 403), where
        assert info.number.encode() not in form.content + response.content
    elif expected == NOT_FOUND:
        assert (form.status_code, response.status_code) == (404, 404), (
            f"{where}: expected 404, got {form.status_code}/{response.status_code}")
        assert info.number.encode() not in form.content + response.content
    else:
        assert response.status_code != 204 and "HX-Redirect" not in response, f"{where}: the action went through"
