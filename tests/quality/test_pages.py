"""Who has the page (navigation and view agree), and filters that cannot be read are explained, not obeyed."""

import lxml.html
import pytest

from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create

pytestmark = pytest.mark.django_db


def menu(client) -> list[str]:
    tree = lxml.html.fromstring(client.get("/petitions/").content.decode())
    return [" ".join(a.text_content().split()) for a in tree.iterfind(".//nav[@class='sidenav']//a")]


@pytest.mark.parametrize(("role", "where", "shown"), [
    (Role.REVIEWER, "office", True), (Role.SUPERVISOR, "office", True), (Role.LEADER, "county", True),
    (Role.INTAKE_CLERK, "office", False), (Role.HANDLER, "township_a", False),
    (Role.HANDLING_ORG_HEAD, "township_a", False), (Role.STATISTICIAN, "county", False),
])
def test_the_menu_offers_the_page_exactly_to_those_it_opens_for(client, district, role, where, shown):
    client.force_login(user_create(username=f"u-{role}", password="pw-123456", org=getattr(district, where),
                                   roles=[role]))
    assert ("质量评查" in menu(client)) is shown
    assert client.get("/quality/").status_code == (200 if shown else 403)


def test_filters_that_cannot_be_read_are_explained(client, actors):
    client.force_login(actors.reviewer)
    page = client.get("/quality/?year=abc&quarter=9&grade=很好&unit=x").content.decode()
    for message in ("年份“abc”无效", "季度“9”无效"):
        assert message in page
    page = client.get("/quality/?year=2026&quarter=1&grade=很好&unit=x").content.decode()
    assert "没有等次“很好”" in page and "单位“x”无效" in page
