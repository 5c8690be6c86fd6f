"""The side navigation per role: every link shown opens, every page hidden is refused to that user."""

import lxml.html
import pytest

from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create

pytestmark = pytest.mark.django_db

# Every page the navigation may offer, by its label.
PAGES = {
    "登记信访事项": "/petitions/new/",
    "信访事项": "/petitions/",
    "涉众事项": "/matching/clusters/",
    "统计分析": "/stats/",
    "导入": "/exchange/import/",
    "系统管理": "/admin/",
}

EVERYONE = ["信访事项", "涉众事项", "统计分析"]
EXPECTED = {
    Role.INTAKE_CLERK: ["登记信访事项", *EVERYONE],
    Role.REVIEWER: ["登记信访事项", *EVERYONE],
    Role.HANDLER: EVERYONE,
    Role.HANDLING_ORG_HEAD: EVERYONE,
    Role.SUPERVISOR: EVERYONE,
    Role.LEADER: EVERYONE,
    Role.STATISTICIAN: EVERYONE,
    Role.ADMINISTRATOR: ["登记信访事项", *EVERYONE, "系统管理"],
    "superuser": ["登记信访事项", *EVERYONE, "导入", "系统管理"],
    "no org": ["信访事项", "涉众事项"],
}


def make_user(district, who):
    if who == "superuser":
        return user_create(username="root", password="pw-123456", org=None, roles=[], is_superuser=True)
    if who == "no org":
        return user_create(username="drifter", password="pw-123456", org=None, roles=[Role.HANDLER])
    office_roles = (Role.INTAKE_CLERK, Role.REVIEWER, Role.ADMINISTRATOR)
    org = district.office if who in office_roles else district.township_a if who in (
        Role.HANDLER, Role.HANDLING_ORG_HEAD) else district.county
    return user_create(username=f"u-{who}", password="pw-123456", org=org, roles=[who])


def nav_links(client) -> list[tuple[str, str]]:
    tree = lxml.html.fromstring(client.get("/petitions/").content.decode())
    return [(" ".join(a.text_content().split()).replace(" Alt+N", ""), a.get("href"))
            for a in tree.iterfind(".//nav[@class='sidenav']//a")]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_role_sees_only_the_pages_it_may_open(client, district, who):
    user = make_user(district, who)
    client.force_login(user)
    links = nav_links(client)
    assert [label for label, _ in links] == EXPECTED[who]
    for label, href in links:
        assert href == PAGES[label]
        assert client.get(href).status_code == 200, f"{who}: {label} is shown but does not open"
    for label in set(PAGES) - set(EXPECTED[who]):
        assert client.get(PAGES[label]).status_code != 200, f"{who}: {label} is hidden but opens"


def test_the_page_being_viewed_is_marked_current(client, district):
    client.force_login(district.clerk)
    tree = lxml.html.fromstring(client.get("/stats/").content.decode())
    current = tree.xpath("//nav[@class='sidenav']//a[@aria-current='page']")
    assert [a.text_content() for a in current] == ["统计分析"]
    register = tree.xpath("//nav[@class='sidenav']//a[@accesskey='n']")
    assert [a.get("href") for a in register] == ["/petitions/new/"]
