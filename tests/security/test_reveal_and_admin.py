"""Who may reveal a petitioner's full identity, and who may enter the Django admin."""

import io

import pytest
from django.core.exceptions import PermissionDenied

from tests.security.conftest import READERS, REVEAL_ROLES, ROLE_ORGS, role_user_key
from tests.security.helpers import assert_no_leak, read, visible_keys
from xinfang.exchange.export import petitions_export
from xinfang.orgs.models import Role
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.models import PetitionEvent

REVEAL_ORGS = ("county_office", "township_a")


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("org", REVEAL_ORGS)
def test_only_the_named_roles_may_reveal_full_identity(world, client, org, role):
    info = world.petitions["G_A"]  # visible to both orgs
    person = info.people[0]
    client.force_login(world.users[role_user_key(org, role)])
    response = client.post(f"/petitions/{info.pk}/petitioners/{info.petitioner_ids[0]}/reveal/",
                           {"reason": "电话回访核实身份"})
    revealed = person.id_number.encode() in response.content
    logged = PetitionEvent.objects.filter(petition_id=info.pk, kind=PetitionEvent.Kind.PERSONAL_DATA_VIEWED).exists()
    where = f"reveal by {Role(role).label} of {org}"
    if role in REVEAL_ROLES:
        assert response.status_code == 200 and revealed and logged, f"{where}: refused ({response.status_code})"
    else:
        assert not revealed and not logged, f"{where}: full identity revealed ({response.status_code})"
        assert response.status_code in (403, 200), f"{where}: got {response.status_code}"


@pytest.mark.parametrize("role", Role.values)
def test_a_notice_follows_the_reveal_policy(world, client, role):
    """A notice is the letter to the petitioner, with their name and address: the same roles as a reveal."""
    info = next(info for info in world.petitions.values() if info.notice_id and info.key == "G_A") \
        if world.petitions["G_A"].notice_id else next(info for info in world.petitions.values() if info.notice_id)
    user = world.users[role_user_key("county_office", role)]
    client.force_login(user)
    response = client.get(f"/petitions/{info.pk}/notices/{info.notice_id}/docx/")
    where = f"notice download by {Role(role).label} of the county office"
    if user.is_system_only:  # 三权分立: refused at the door (web.separation)
        assert response.status_code == 403, where
    elif not petitions_visible_to(user=user).filter(pk=info.pk).exists():
        assert response.status_code == 404, where
    elif role in REVEAL_ROLES:
        assert response.status_code == 200, f"{where}: refused ({response.status_code})"
    else:
        assert response.status_code == 403, f"{where}: served ({response.status_code})"


@pytest.mark.parametrize("role", Role.values)
def test_an_unmasked_export_follows_the_reveal_policy(world, role):
    """An export with full personal data reveals every petitioner in it: the same roles as a reveal."""
    user = world.user(role_user_key("county_office", role))
    out = io.BytesIO()
    try:
        petitions_export(out=out, fmt="jsonl", user=user, unmask=True, reason="核对信访人身份", channel="web")
    except PermissionDenied:
        refused = True
    else:
        refused = False
    revealed = world.petitions["G_A"].people[0].id_number in out.getvalue().decode("utf-8")
    where = f"unmasked export by {Role(role).label} of the county office"
    if role in REVEAL_ROLES:
        assert revealed and not refused, f"{where}: refused"
    else:
        assert not revealed, f"{where}: full identity exported"


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("org", ROLE_ORGS)
def test_every_role_sees_exactly_its_scope(world, org, role):
    """Visibility depends on the org, never on the role: each role of each org sees the same petitions."""
    user = world.user(role_user_key(org, role))
    shown = {info.key for info in world.petitions.values()
             if petitions_visible_to(user=user).filter(pk=info.pk).exists()}
    expected = visible_keys(world, user)
    assert shown == expected, (f"{Role(role).label} of {org}: missing {sorted(expected - shown)}, "
                               f"shown without right {sorted(shown - expected)}")


ADMIN_PATHS = ("/admin/", "/admin/petitions/petition/", "/admin/petitions/petition/{pk}/change/",
               "/admin/matching/masscluster/", "/admin/audit/auditentry/")
NON_SUPERUSERS = [key for key in READERS if key.startswith("r-")] + [
    role_user_key("county_office", role) for role in Role.values]


@pytest.mark.parametrize("path", ADMIN_PATHS)
@pytest.mark.parametrize("user_key", NON_SUPERUSERS)
def test_the_admin_refuses_non_superusers(world, client, user_key, path):
    """Petition data in the admin is for superusers. A 系统管理员 (staff) opens the admin's index — where
    they keep the calendars of their own subtree (tests/calendars/test_admin.py) — and nothing more."""
    user = world.users[user_key]
    client.force_login(user)
    response = client.get(path.format(pk=world.petitions["ACC_T"].pk))
    if path == "/admin/" and user.is_staff:
        assert response.status_code == 200 and "信访事项" not in response.content.decode(), user_key
    else:
        assert response.status_code != 200, f"{path} answers 200 to {user_key} (staff={user.is_staff})"
    assert world.petitions["ACC_T"].number.encode() not in response.content


@pytest.mark.parametrize("path", ADMIN_PATHS[1:])
@pytest.mark.parametrize("user_key", ["su-township_a", "su-county", "su-village_a1"])
def test_the_admin_hides_accusations_from_a_superuser_inside_the_accused_unit(world, client, user_key, path):
    user = world.user(user_key)
    client.force_login(world.users[user_key])
    for key in ("ACC_T", "ACC_CL", "ACC_CH", "ACC_C"):
        response = client.get(path.format(pk=world.petitions[key].pk))
        if response.status_code == 200:
            assert_no_leak(world, user, read(response), f"{path} ({key}) for {user_key}")
