"""The organisation tree, roles and the admin that maintains them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinfang.orgs.models import Org, Role
from xinfang.orgs.permissions import require_role
from xinfang.orgs.selectors import org_jurisdiction, org_subtree
from xinfang.orgs.services import org_create, org_save, user_create

pytestmark = pytest.mark.django_db


def test_subtree_follows_the_materialised_path(district):
    assert set(org_subtree(org=district.township_a)) == {district.township_a, district.village_a1}
    assert org_jurisdiction(org=district.office) == district.county
    # A township (乡镇人民政府 / 街道办事处) is a level of government: a village's jurisdiction is its township.
    assert org_jurisdiction(org=district.village_a1) == district.township_a
    assert org_jurisdiction(org=district.township_a) == district.township_a


def test_moving_an_org_moves_its_descendants(district):
    # when: township A is moved under township B (a merger of townships)
    district.township_a.parent = district.township_b
    org_save(org=district.township_a, actor=None)
    # then
    district.village_a1.refresh_from_db()
    assert district.village_a1.path.startswith(district.township_b.path)
    assert district.village_a1 in org_subtree(org=district.township_b)


def test_an_org_cannot_be_moved_under_its_own_descendant(district):
    district.township_a.parent = district.village_a1
    with pytest.raises(ValueError):
        org_save(org=district.township_a, actor=None)


def test_a_malformed_region_code_is_refused(district):
    with pytest.raises(ValidationError):
        org_create(name="某镇", kind=Org.Kind.TOWNSHIP, level=Org.Level.TOWNSHIP, parent=district.county,
                   region_code="50019")


def test_roles_gate_actions_with_a_message_naming_the_roles(district):
    require_role(district.clerk, [Role.INTAKE_CLERK], action="登记")
    with pytest.raises(PermissionDenied, match="登记员"):
        require_role(district.township_a_user, [Role.INTAKE_CLERK], action="登记")


def test_administrators_maintain_orgs_and_users_in_the_admin(client, district):
    admin = user_create(username="admin", password="pw-admin-123", org=district.office,
                        roles=[Role.ADMINISTRATOR], is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/orgs/org/").status_code == 200
    assert client.get("/admin/orgs/user/").status_code == 200
    response = client.post("/admin/orgs/org/add/", {
        "name": "白沙镇红岩村", "short_name": "", "kind": "village", "level": "village",
        "region_code": "500199102203", "number_prefix": "", "parent": district.township_b.pk, "is_active": "on",
    })
    assert response.status_code == 302
    village = Org.objects.get(name="白沙镇红岩村")
    assert village.path == f"{district.township_b.path}{village.pk}/"
    # Petitions are read-only in the admin: they change only through audited services.
    assert client.get("/admin/petitions/petition/add/").status_code == 403
