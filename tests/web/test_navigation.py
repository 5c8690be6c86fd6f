"""The side navigation per role: every link shown opens, every page hidden is refused to that user."""

import re

import lxml.html
import pytest

from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create

pytestmark = pytest.mark.django_db

# Every page the navigation may offer, by its label.
PAGES = {
    "登记信访事项": "/petitions/new/",
    "我的待办": "/supervision/inbox/",
    "信访事项": "/petitions/",
    "涉众事项": "/matching/clusters/",
    "统计分析": "/stats/",
    "督查督办": "/supervision/",
    "质量评查": "/quality/",
    "矛盾预防": "/prevention/",
    "领导接访": "/receptions/",
    "违法信访行为": "/order/",
    "普法宣传": "/publicity/",
    "报告": "/reports/",
    "个人信息保护": "/privacy/requests/",
    "导入": "/exchange/import/",
    "审计日志": "/audit/",
    "角色授权": "/accounts/roles/",
    "系统管理": "/admin/",
}

# Everyone in an org has an inbox (我的待办, with its count: compared without it) and the prevention ledgers
# of the scope (矛盾预防); the office's evaluators and leaders also 质量评查.
EVERYONE = ["我的待办", "信访事项", "涉众事项", "统计分析", "督查督办"]
LEDGERS = ["矛盾预防", "领导接访"]
EVALUATORS = [*EVERYONE, "质量评查", *LEDGERS]
IN_AN_ORG = [*EVERYONE, *LEDGERS, "普法宣传"]
EXPECTED = {
    Role.INTAKE_CLERK: ["登记信访事项", *IN_AN_ORG, "个人信息保护"],
    # the office's reviewer also reads the restricted 违法信访行为 ledger and writes the reports
    Role.REVIEWER: ["登记信访事项", *EVALUATORS, "违法信访行为", "普法宣传", "报告", "个人信息保护"],
    Role.HANDLER: IN_AN_ORG,
    Role.HANDLING_ORG_HEAD: IN_AN_ORG,
    Role.SUPERVISOR: [*EVALUATORS, "普法宣传", "报告"],  # of the county government: not the office's order ledger
    Role.LEADER: [*EVALUATORS, "普法宣传", "报告"],
    Role.STATISTICIAN: [*IN_AN_ORG, "报告"],
    # 三权分立: the system roles see their own page and nothing of the petitions.
    Role.ADMINISTRATOR: ["系统管理"],
    Role.SECURITY_ADMIN: ["角色授权"],
    Role.AUDITOR: ["审计日志"],
    "superuser": ["登记信访事项", *EVERYONE[1:], "质量评查", *LEDGERS, "违法信访行为", "普法宣传", "报告", "导入",
                  "审计日志", "角色授权", "系统管理"],
    "no org": ["信访事项", "涉众事项", "督查督办"],
}


def make_user(district, who):
    if who == "superuser":
        return user_create(username="root", password="pw-123456", org=None, roles=[], is_superuser=True)
    if who == "no org":
        return user_create(username="drifter", password="pw-123456", org=None, roles=[Role.HANDLER])
    office_roles = (Role.INTAKE_CLERK, Role.REVIEWER, Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDITOR)
    org = district.office if who in office_roles else district.township_a if who in (
        Role.HANDLER, Role.HANDLING_ORG_HEAD) else district.county
    return user_create(username=f"u-{who}", password="pw-123456", org=org, roles=[who])


def nav_label(text: str) -> str:
    """A menu entry's label without its shortcut hint or its count ("我的待办 (3)")."""
    return re.sub(r" \(\d+\)$", "", " ".join(text.split()).replace(" Alt+N", ""))


def nav_links(client, start: str = "/petitions/") -> list[tuple[str, str]]:
    tree = lxml.html.fromstring(client.get(start).content.decode())
    return [(nav_label(a.text_content()), a.get("href"))
            for a in tree.iterfind(".//nav[@class='sidenav']//a")]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_role_sees_only_the_pages_it_may_open(client, district, who):
    user = make_user(district, who)
    client.force_login(user)
    # the system roles land on their own page: their menu is read from a refusal (403), in the same layout
    links = nav_links(client, "/stats/" if user.is_system_only else "/petitions/")
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


# --- in a real browser: each role logs in and sees its menu; the case page's outcomes; the error pages -------

BROWSER_USERS = {
    # username: (org attribute of the district, or None; roles; superuser; menu expected)
    "nav-clerk": ("office", [Role.INTAKE_CLERK], False, EXPECTED[Role.INTAKE_CLERK]),
    "nav-reviewer": ("office", [Role.REVIEWER], False, EXPECTED[Role.REVIEWER]),
    "nav-handler": ("township_a", [Role.HANDLER], False, EXPECTED[Role.HANDLER]),
    "nav-head": ("township_a", [Role.HANDLING_ORG_HEAD], False, EXPECTED[Role.HANDLING_ORG_HEAD]),
    "nav-supervisor": ("county", [Role.SUPERVISOR], False, EXPECTED[Role.SUPERVISOR]),
    "nav-leader": ("county", [Role.LEADER], False, EXPECTED[Role.LEADER]),
    "nav-statistician": ("county", [Role.STATISTICIAN], False, EXPECTED[Role.STATISTICIAN]),
    "nav-admin": ("office", [Role.ADMINISTRATOR], False, EXPECTED[Role.ADMINISTRATOR]),
    "nav-root": (None, [], True, EXPECTED["superuser"]),
    "nav-drifter": (None, [Role.HANDLER], False, EXPECTED["no org"]),
}


@pytest.mark.browser
def test_each_role_in_the_browser_menu_outcomes_and_error_pages(live_server, district, actors, reference_data):
    from datetime import date

    from playwright.sync_api import expect

    from tests.conftest import act, petition_input
    from tests.web.conftest import artifact_path, chromium_page
    from xinfang.petitions.services import petition_register
    from xinfang.workflow.models import Notice
    from xinfang.workflow.services import petition_correct

    for username, (org, roles, superuser, _) in BROWSER_USERS.items():
        user_create(username=username, password="pw-nav-123", org=getattr(district, org) if org else None,
                    roles=roles, is_superuser=superuser)
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=reference_data),
                                    actor=district.clerk)
    act(petition, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(petition, "accept", actors.handler, on=date(2026, 3, 5))
    act(petition, "reply", actors.head, on=date(2026, 4, 20), outcome="partly_supported", facts="经查属实。",
        decision="责令公司30日内支付。", legal_basis="《保障农民工工资支付条例》")
    act(petition, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="post")
    act(petition, "evaluate", actors.clerk, on=date(2026, 4, 25), rating="dissatisfied", rated_by="petitioner")
    petition_correct(petition_id=petition.pk, actor=actors.reviewer, reason="评价录错")
    act(petition, "evaluate", actors.clerk, on=date(2026, 4, 26), rating="mostly_satisfied", rated_by="staff")
    act(petition, "request_review", actors.county_head, on=date(2026, 5, 10), reviewing_org=district.county.pk)
    act(petition, "decide_review", actors.county_head, on=date(2026, 5, 20), review_outcome="revoke", reasons="r")
    petition_correct(petition_id=petition.pk, actor=actors.county_head, reason="结论选错")
    act(petition, "decide_review", actors.county_head, on=date(2026, 5, 21), review_outcome="uphold",
        reasons="原处理意见认定事实清楚，适用依据正确。")
    voided = Notice.objects.get(petition=petition, voided=True)
    case_url = f"/petitions/{petition.pk}/"

    with chromium_page(base_url=live_server.url, failure_name="navigation-failure") as page:
        for username, (_, _, _, menu) in BROWSER_USERS.items():
            page.goto("/login/")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill("pw-nav-123")
            page.get_by_role("button", name="登录").click()
            if username == "nav-admin":  # 三权分立: lands on the admin; any case page refuses him, in the layout
                expect(page).to_have_url(f"{live_server.url}/admin/")
                page.goto("/stats/")
                expect(page.get_by_role("heading", name="您没有进行此操作的权限")).to_be_visible()
            else:
                expect(page.get_by_role("heading", name="信访事项")).to_be_visible()
            labels = [nav_label(text) for text in page.locator("nav.sidenav a").all_inner_texts()]
            assert labels == menu, username
            page.screenshot(path=artifact_path(f"nav-{username}"))
            if username == "nav-clerk":
                page.goto(case_url)
                expect(page.locator("#outcomes")).to_contain_text("基本满意")
                page.locator("#outcomes").scroll_into_view_if_needed()
                page.screenshot(path=artifact_path("case-outcomes"), full_page=True)
                page.goto(f"/petitions/{petition.pk}/notices/{voided.pk}/docx/")
                expect(page.locator(".flash-error")).to_contain_text("已因更正作废")
                page.screenshot(path=artifact_path("notice-voided-refused"))
                page.goto("/petitions/new/no-such-page/")
                expect(page.get_by_role("heading", name="页面不存在或您无权查看")).to_be_visible()
                page.screenshot(path=artifact_path("error-404"))
            if username == "nav-drifter":
                page.goto("/stats/")
                expect(page.get_by_role("heading", name="您没有进行此操作的权限")).to_be_visible()
                page.screenshot(path=artifact_path("error-403"))
            page.locator("form[action='/logout/'] button").click()
