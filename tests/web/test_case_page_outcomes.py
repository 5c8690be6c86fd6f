"""The case page's 办理结果: decision, delivery, rating (a voided one not current), review and re-review."""

from datetime import date

import lxml.html
import pytest

from tests.conftest import act
from xinfang.workflow.services import petition_correct

pytestmark = pytest.mark.django_db

REPLY = dict(outcome="partly_supported", facts="经查，拖欠工资属实。", decision="责令公司30日内支付。",
             legal_basis="《保障农民工工资支付条例》")


def page(client, user, petition):
    client.force_login(user)
    response = client.get(f"/petitions/{petition.pk}/")
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def text(tree, element_id: str) -> str:
    found = tree.get_element_by_id(element_id, None)
    assert found is not None, f"#{element_id} is not on the page"
    return " ".join(found.text_content().split())


@pytest.fixture
def delivered(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "reply", actors.head, on=date(2026, 4, 20), **REPLY)
    act(registered, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="post")
    return registered


def test_a_registered_matter_has_no_outcome_section(client, registered, district):
    tree = page(client, district.clerk, registered)
    assert tree.get_element_by_id("outcomes", None) is None


def test_the_decision_and_its_delivery_are_on_the_case_page(client, delivered, district):
    tree = page(client, district.clerk, delivered)
    assert "办理结果" in text(tree, "outcomes")
    decision = text(tree, "outcome-decision")
    assert "部分支持" in decision and "青石镇" in decision and "2026年4月20日" in decision
    assert f"{delivered.number}-YJ1" in decision
    delivery = text(tree, "outcome-delivery")
    assert "邮寄送达" in delivery and "2026年4月22日" in delivery
    assert "尚未评价" in text(tree, "outcome-evaluation")


def test_a_voided_rating_is_not_shown_as_the_current_one(client, delivered, district, actors):
    act(delivered, "evaluate", actors.clerk, on=date(2026, 4, 25), rating="dissatisfied", rated_by="petitioner")
    shown = text(page(client, district.clerk, delivered), "outcome-evaluation")
    assert "不满意" in shown and "（工作人员录入）" in shown  # the clerk typed the petitioner's rating in
    petition_correct(petition_id=delivered.pk, actor=actors.reviewer, reason="评价录错")
    evaluation = text(page(client, district.clerk, delivered), "outcome-evaluation")
    assert evaluation.startswith("尚未评价") and "已作废的评价：不满意" in evaluation
    act(delivered, "evaluate", actors.clerk, on=date(2026, 4, 26), rating="mostly_satisfied", rated_by="staff",
        comment="电话回访")
    tree = page(client, district.clerk, delivered)
    evaluation = text(tree, "outcome-evaluation")
    current = tree.get_element_by_id("outcome-evaluation").find("strong").text_content()
    assert current == "基本满意"
    assert "2026年4月26日" in evaluation and "工作人员代录" in evaluation and "电话回访" in evaluation
    assert "已作废的评价：不满意 · 2026年4月25日" in evaluation


def test_review_and_re_review_show_organ_conclusion_and_dates(client, delivered, district, actors):
    # Sent first to the city (not the organ one level up): refused there, then reviewed by the county.
    act(delivered, "refuse_review", actors.city_head, on=date(2026, 5, 8), review_refusal_reason="wrong_organ")
    act(delivered, "request_review", actors.county_head, on=date(2026, 5, 10), reviewing_org=district.county.pk)
    act(delivered, "decide_review", actors.county_head, on=date(2026, 5, 20), review_outcome="uphold",
        reasons="原处理意见认定事实清楚。")
    act(delivered, "request_re_review", actors.city_head, on=date(2026, 5, 25), reviewing_org=actors.city.pk)
    act(delivered, "decide_re_review", actors.city_head, on=date(2026, 6, 10), review_outcome="modify",
        reasons="支付期限改为15日。")
    tree = page(client, district.clerk, delivered)
    rows = [[" ".join(cell.text_content().split()) for cell in row.findall("td")]
            for row in tree.get_element_by_id("outcome-reviews").find("tbody").findall("tr")]
    number = delivered.number
    assert [row[0] for row in rows] == ["复查申请不予受理", "复查申请", "复查意见", "复核申请", "复核意见（终结）"]
    assert rows[0][1:] == ["滨江市人民政府", "本机关不是原办理（复查）机关的上一级机关", "2026年5月8日", f"{number}-FCBSL1"]
    assert rows[1][1:4] == ["清溪区人民政府", "已受理", "2026年5月10日"]
    assert rows[2][1] == "清溪区人民政府" and rows[2][2].startswith("维持") and "原处理意见认定事实清楚" in rows[2][2]
    assert rows[2][3:] == ["2026年5月20日", f"{number}-FC1"]
    assert rows[3][1:4] == ["滨江市人民政府", "已受理", "2026年5月25日"]
    assert rows[4][1] == "滨江市人民政府" and rows[4][2].startswith("变更")
    assert rows[4][3:] == ["2026年6月10日", f"{number}-FH1"]


def test_a_corrected_review_opinion_is_not_an_outcome(client, delivered, district, actors):
    act(delivered, "request_review", actors.county_head, on=date(2026, 5, 10), reviewing_org=district.county.pk)
    act(delivered, "decide_review", actors.county_head, on=date(2026, 5, 20), review_outcome="revoke", reasons="r")
    petition_correct(petition_id=delivered.pk, actor=actors.county_head, reason="结论选错")
    tree = page(client, district.clerk, delivered)
    reviews = text(tree, "outcome-reviews")
    assert "复查申请" in reviews and "复查意见" not in reviews and "撤销" not in reviews
