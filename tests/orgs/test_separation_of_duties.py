"""三权分立: the system administrator configures, the security administrator grants roles, the auditor reads the
audit log; none of them reads a petition, none holds two of these roles, nobody grants roles to himself."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import petition_input
from xinfang.audit.models import AuditEvent
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create, user_roles_set
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services import petition_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio(district):
    make = lambda name, role: user_create(username=name, password="pw-123456", org=district.office,  # noqa: E731
                                          roles=[role])
    return make("sysadmin", Role.ADMINISTRATOR), make("secadmin", Role.SECURITY_ADMIN), make("auditor", Role.AUDITOR)


@pytest.fixture
def petition(district, category):
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return petition


def test_no_system_role_reads_a_petition_anywhere(client, trio, petition):
    for user in trio:
        assert not petitions_visible_to(user=user).exists()
        client.force_login(user)
        landing = client.get("/petitions/")  # the landing after login: sent to their own page
        assert landing.status_code == 302 and not landing["Location"].startswith("/petitions/")
        for path in (f"/petitions/{petition.pk}/", "/stats/", "/supervision/inbox/", "/prevention/", "/receptions/",
                     "/reports/", "/order/"):
            response = client.get(path)
            assert response.status_code == 403, (user.username, path)
            assert petition.number not in response.content.decode()


@pytest.mark.django_db(transaction=True)  # as in production: the page writes its own audit event, committed
def test_only_the_auditor_reads_the_audit_log_and_the_admin_keeps_it_from_the_system_administrator(
        client, trio, petition):
    sysadmin, secadmin, auditor = trio
    client.force_login(auditor)
    page = client.get("/audit/?action=petition.")
    assert page.status_code == 200 and "petition.register" in page.content.decode()
    assert AuditEvent.objects.filter(action="audit.viewed", actor=auditor).exists()  # looking is logged
    for user in (sysadmin, secadmin):
        client.force_login(user)
        assert client.get("/audit/").status_code == 403
    client.force_login(sysadmin)
    assert client.get("/admin/audit/auditevent/").status_code == 403
    assert client.get("/admin/").status_code == 200


def test_the_security_administrator_grants_roles_within_the_rules(client, trio, district):
    sysadmin, secadmin, auditor = trio
    clerk = user_create(username="new-clerk", password="pw-123456", org=district.township_a, roles=[])
    client.force_login(secadmin)
    assert client.get("/accounts/roles/").status_code == 200
    response = client.post(f"/accounts/roles/{clerk.pk}/", {"roles": ["intake_clerk", "handler"]}, follow=True)
    assert "已修改" in response.content.decode()
    clerk.refresh_from_db()
    assert sorted(clerk.roles.values_list("role", flat=True)) == ["handler", "intake_clerk"]
    change = AuditEvent.objects.get(action="user.roles_changed")
    assert change.data == {"before": [], "after": ["handler", "intake_clerk"]}

    with pytest.raises(ValidationError, match="三权分立"):
        user_roles_set(user=clerk, roles=["administrator", "intake_clerk"], actor=secadmin)
    with pytest.raises(ValidationError, match="三权分立"):
        user_create(username="both", password=None, org=district.office, roles=["auditor", "security_admin"])
    with pytest.raises(PermissionDenied, match="自己"):
        user_roles_set(user=secadmin, roles=["security_admin", "auditor"], actor=secadmin)
    for user in (sysadmin, auditor, district.clerk):
        with pytest.raises(PermissionDenied, match="安全管理员"):
            user_roles_set(user=clerk, roles=["leader"], actor=user)
        client.force_login(user)
        assert client.get("/accounts/roles/").status_code == 403
    clerk.refresh_from_db()
    assert sorted(clerk.roles.values_list("role", flat=True)) == ["handler", "intake_clerk"]  # unchanged
