"""Only organs that may handle (有权处理机关) receive matters (issue 12 item 8)."""

import pytest

from tests.conftest import act
from xinfang.orgs.models import Org
from xinfang.orgs.services import org_create, org_save
from xinfang.web.action_forms import action_form_class
from xinfang.workflow.exceptions import RuleViolation
from xinfang.workflow.rules import RULES_BY_ACTION

pytestmark = pytest.mark.django_db


def test_a_village_committee_may_not_handle_by_default_and_a_township_may(district):
    assert district.village_a1.may_handle is False
    assert district.township_a.may_handle and district.department.may_handle and district.county.may_handle
    assert district.office.may_handle is False


@pytest.mark.parametrize("action", ["forward", "assign"])
def test_a_matter_is_not_sent_to_an_organ_without_the_power_to_handle(registered, district, actors, action):
    with pytest.raises(RuleViolation) as refused:
        act(registered, action, actors.reviewer, handling_org=district.village_a1.pk)
    assert "青石镇桃源村不是有权处理信访事项的机关" in str(refused.value)
    assert "《信访工作条例》第二十二条" in str(refused.value)
    registered.refresh_from_db()
    assert registered.status == "registered" and registered.handling_org is None


@pytest.mark.parametrize("action", ["forward", "assign"])
def test_the_forms_offer_only_organs_that_may_handle(registered, district, actors, action):
    form = action_form_class(rule=RULES_BY_ACTION[action], petition=registered, user=actors.reviewer)()
    offered = set(form.fields["handling_org"].queryset)
    assert district.township_a in offered and district.department in offered
    assert district.village_a1 not in offered and district.office not in offered


def test_an_administrator_may_grant_the_power_and_the_village_becomes_a_destination(registered, district, actors):
    village = Org.objects.get(pk=district.village_a1.pk)
    village.may_handle = True
    org_save(org=village, actor=None)
    form = action_form_class(rule=RULES_BY_ACTION["forward"], petition=registered, user=actors.reviewer)()
    assert village in set(form.fields["handling_org"].queryset)
    act(registered, "forward", actors.reviewer, handling_org=village.pk)
    registered.refresh_from_db()
    assert registered.handling_org == village


def test_a_new_village_starts_without_the_power_to_handle(district):
    village = org_create(name="青石镇石桥村", kind=Org.Kind.VILLAGE, level=Org.Level.VILLAGE, parent=district.township_a)
    assert Org.objects.get(pk=village.pk).may_handle is False


def test_the_demo_villages_may_not_handle(db):
    from xinfang.demo.district import district_build

    district = district_build(password="pw-demo-123")
    villages = [village for township in district.townships for village in township.villages]
    assert villages and not any(village.may_handle for village in villages)
    assert all(township.org.may_handle for township in district.townships)
