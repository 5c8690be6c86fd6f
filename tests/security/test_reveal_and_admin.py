"""Who may reveal a petitioner's full identity, and who may enter the Django admin."""

import pytest

from tests.security.conftest import READERS, REVEAL_ROLES, role_user_key
from tests.security.helpers import assert_no_leak, read
from xinfang.orgs.models import Role
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


ADMIN_PATHS = ("/admin/", "/admin/petitions/petition/", "/admin/petitions/petition/{pk}/change/",
               "/admin/matching/masscluster/", "/admin/audit/auditentry/")
NON_SUPERUSERS = [key for key in READERS if key.startswith("r-")] + [
    role_user_key("county_office", role) for role in Role.values]


@pytest.mark.parametrize("path", ADMIN_PATHS)
@pytest.mark.parametrize("user_key", NON_SUPERUSERS)
def test_the_admin_refuses_non_superusers(world, client, user_key, path):
    user = world.users[user_key]
    client.force_login(user)
    response = client.get(path.format(pk=world.petitions["ACC_T"].pk))
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
