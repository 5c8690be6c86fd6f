"""403, 404 and 500 in Chinese with the site's layout, as served with DEBUG=False."""

import lxml.html
import pytest
from django.contrib.auth.decorators import login_not_required
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import path
from django.views.defaults import server_error

from xinfang.config.urls import handler403, handler404  # noqa: F401  (this module serves as the URLconf)
from xinfang.config.urls import urlpatterns as site_patterns
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create


@login_not_required
def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("test-broken/", broken_view), *site_patterns]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False


def tree_of(response):
    return lxml.html.fromstring(response.content.decode())


def assert_site_layout(tree):
    assert tree.get("lang") == "zh-CN"
    assert tree.xpath("//header[@class='topbar']/a[@class='brand']")[0].text_content() == "法治信访"
    assert "/static/xinfang/app.css" in [link.get("href") for link in tree.iterfind(".//link[@rel='stylesheet']")]


def test_an_unknown_address_gets_the_chinese_404_with_the_layout_and_the_users_menu(client, district):
    client.force_login(district.clerk)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    tree = tree_of(response)
    assert_site_layout(tree)
    assert tree.findtext(".//h1") == "页面不存在或您无权查看"
    assert "登记信访事项" in [a.text_content().split()[0] for a in tree.iterfind(".//nav[@class='sidenav']//a")]
    assert "Not Found" not in response.content.decode()


def test_a_404_never_shows_djangos_english_message(client, district, registered):
    # get_object_or_404 says "No Attachment matches the given query."; the page gives its own reason.
    client.force_login(district.clerk)
    response = client.get(f"/petitions/{registered.pk}/attachments/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "matches the given query" not in body and "您要打开的页面不存在，或者不在您的数据范围内。" in body


def test_a_404_of_a_page_the_role_may_not_open(client, district, actors):
    client.force_login(actors.handler)
    response = client.get("/petitions/new/")
    assert response.status_code == 404
    assert tree_of(response).findtext(".//h1") == "页面不存在或您无权查看"


def test_a_403_says_why_in_chinese(client, district):
    drifter = user_create(username="drifter", password="pw-123456", org=None, roles=[Role.STATISTICIAN])
    client.force_login(drifter)
    response = client.get("/stats/")
    assert response.status_code == 403
    tree = tree_of(response)
    assert_site_layout(tree)
    assert tree.findtext(".//h1") == "您没有进行此操作的权限"
    assert "当前用户未分配所属机构，不能查看统计" in response.content.decode()


@pytest.mark.urls("tests.web.test_error_pages")
def test_a_server_error_gets_the_chinese_500_page(district):
    client = Client(raise_request_exception=False)
    client.force_login(district.clerk)
    response = client.get("/test-broken/")
    assert response.status_code == 500
    tree = tree_of(response)
    assert_site_layout(tree)
    assert tree.findtext(".//h1") == "系统出错，操作未能完成"
    assert "boom" not in response.content.decode()


def test_the_500_page_renders_without_a_request_context(django_assert_num_queries):
    # As django.views.defaults.server_error renders it: no request, no user, no context processors; and
    # without the database, which may be what failed.
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    tree = lxml.html.fromstring(html)
    assert_site_layout(tree)
    assert tree.findtext(".//h1") == "系统出错，操作未能完成"
    assert tree.find(".//nav[@class='sidenav']") is None  # no user: no menu, and no database query for one
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "系统出错" in response.content.decode()


def test_a_csrf_failure_is_explained_in_chinese(district):
    client = Client(enforce_csrf_checks=True)
    client.force_login(district.clerk)
    response = client.post("/petitions/", {"q": "x"})
    assert response.status_code == 403
    assert tree_of(response).findtext(".//h1") == "页面已过期，提交未被接受"
