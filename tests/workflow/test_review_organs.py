"""Review and re-review by the right organ (Arts 35, 36), notices in the deciding organ's name, and review
requests that are not accepted (复查/复核申请不予受理), counted apart from review opinions."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import act, petition_input
from xinfang.notices.documents import render_notice_docx
from xinfang.orgs.models import Org, Role
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.orgs.services import org_create, org_save, user_create
from xinfang.petitions.models import PetitionStatus
from xinfang.petitions.services import petition_register
from xinfang.stats.indicators import compute
from xinfang.stats.selectors import StatsFilters, stats_query
from xinfang.web.action_forms import action_form_class
from xinfang.workflow.exceptions import ActionNotPermitted, RuleViolation
from xinfang.workflow.models import Clock, Notice
from xinfang.workflow.rules import RULES_BY_ACTION
from xinfang.workflow.selectors import review_organs
from xinfang.workflow.services import actions_allowed

pytestmark = pytest.mark.django_db

REPLY = dict(outcome="partly_supported", facts="经查，拖欠工资属实。", decision="责令公司30日内支付。",
             legal_basis="《保障农民工工资支付条例》")


def text_of(notice: Notice) -> str:
    from io import BytesIO

    from docx import Document

    return "\n".join(paragraph.text for paragraph in Document(BytesIO(render_notice_docx(notice=notice))).paragraphs)


@pytest.fixture
def province(actors):
    province = org_create(name="江岭省人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.PROVINCE, region_code="500000")
    actors.city.parent = province
    org_save(org=actors.city, actor=None)
    for org in Org.objects.all():
        org.refresh_from_db()
    actors.city.refresh_from_db()
    return province


@pytest.fixture
def delivered(registered, district, actors):
    """Decided by 青石镇 (its head signed the 处理意见书) and delivered on 2026-04-22."""
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "reply", actors.head, on=date(2026, 4, 20), **REPLY)
    act(registered, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="in_person")
    return registered


def notice_of(petition, kind):
    return Notice.objects.get(petition=petition, kind=kind, voided=False)


# --- 1. the organ under review never decides its review --------------------------------------------


def test_only_the_reviewing_organ_itself_decides_a_review_not_the_township_under_review(delivered, district, actors):
    act(delivered, "request_review", actors.county_head, on=date(2026, 5, 10), reviewing_org=district.county.pk)
    # The township head who signed the 处理意见书, another township and the petition office all sit below the
    # county government in the tree; none of them is the reviewing organ.
    delivered.refresh_from_db()
    for outsider in (actors.head, actors.other_township_head, actors.reviewer):
        assert "decide_review" not in [rule.action for rule in actions_allowed(petition=delivered, actor=outsider)]
    for outsider in (actors.head, actors.reviewer):  # the other township does not even see the matter
        with pytest.raises(ActionNotPermitted, match="出具复查意见"):
            act(delivered, "decide_review", outsider, on=date(2026, 5, 20), review_outcome="uphold", reasons="r")
    assert "decide_review" in [rule.action for rule in actions_allowed(petition=delivered, actor=actors.county_head)]
    petition = act(delivered, "decide_review", actors.county_head, on=date(2026, 5, 20), review_outcome="uphold",
                   reasons="原处理意见事实清楚。")
    assert petition.status == PetitionStatus.REVIEWED
    text = text_of(notice_of(petition, Notice.Kind.REVIEW))
    assert text.startswith("清溪区人民政府\n信访事项复查意见书")
    assert "对青石镇作出的信访处理意见" in text and "向本机关请求复查" in text
    assert text.rstrip().endswith("清溪区人民政府\n2026年5月20日")


def test_the_reviewing_organ_does_not_decide_the_re_review_of_its_own_review(delivered, district, actors):
    act(delivered, "request_review", actors.county_head, on=date(2026, 5, 10), reviewing_org=district.county.pk)
    act(delivered, "decide_review", actors.county_head, on=date(2026, 5, 20), review_outcome="uphold", reasons="r")
    act(delivered, "request_re_review", actors.county_head, on=date(2026, 5, 25), reviewing_org=actors.city.pk)
    with pytest.raises(ActionNotPermitted, match="出具复核意见"):
        act(delivered, "decide_re_review", actors.county_head, on=date(2026, 6, 1), review_outcome="uphold",
            reasons="r")
    petition = act(delivered, "decide_re_review", actors.city_head, on=date(2026, 6, 1), review_outcome="uphold",
                   reasons="r")
    assert notice_of(petition, Notice.Kind.RE_REVIEW).issuing_org == actors.city


# --- 2. review by the organ one level above, only ---------------------------------------------------


def test_the_organs_one_level_above_are_the_next_government_and_the_superior_department(district, actors, province):
    city_renshe = org_create(name="滨江市人力社保局", kind=Org.Kind.DEPARTMENT, level=Org.Level.CITY,
                             parent=actors.city)
    district.department.superior_department = city_renshe
    district.department.save()
    assert review_organs(decided_by=district.township_a) == [district.county]
    assert review_organs(decided_by=district.department) == [district.county, city_renshe]
    assert review_organs(decided_by=district.county) == [actors.city]
    assert review_organs(decided_by=city_renshe) == [actors.city]


def test_a_townships_decision_is_reviewed_by_the_county_not_the_city_or_the_province(
        delivered, district, actors, province):
    province_head = user_create(username="province-head", password="pw-123456", org=province,
                                roles=[Role.HANDLING_ORG_HEAD])
    for too_high in (actors.city, province):
        with pytest.raises(RuleViolation, match="第三十五条") as refused:
            act(delivered, "request_review", province_head, on=date(2026, 5, 10), reviewing_org=too_high.pk)
        assert "复查机关应为原办理机关青石镇的上一级机关：清溪区人民政府" in str(refused.value)
    assert Clock.objects.filter(petition=delivered, kind=Clock.Kind.REVIEW_DECISION).count() == 0
    delivered.refresh_from_db()
    # The form offers only the lawful organ.
    form = action_form_class(rule=RULES_BY_ACTION["request_review"], petition=delivered, user=actors.county_head)()
    assert list(form.fields["reviewing_org"].queryset) == [district.county]


def test_a_county_departments_decision_may_go_to_the_citys_competent_department_and_then_the_city(
        registered, district, actors, province):
    city_renshe = org_create(name="滨江市人力社保局", kind=Org.Kind.DEPARTMENT, level=Org.Level.CITY,
                             parent=actors.city)
    district.department.superior_department = city_renshe
    district.department.save()
    renshe_head = user_create(username="renshe-head", password="pw-123456", org=district.department,
                              roles=[Role.HANDLING_ORG_HEAD])
    city_renshe_head = user_create(username="city-renshe-head", password="pw-123456", org=city_renshe,
                                   roles=[Role.HANDLING_ORG_HEAD])
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.department.pk)
    act(registered, "accept", district.department_user, on=date(2026, 3, 5))
    act(registered, "reply", renshe_head, on=date(2026, 4, 20), **REPLY)
    act(registered, "deliver", district.department_user, on=date(2026, 4, 22), delivery_method="post")
    registered.refresh_from_db()
    form = action_form_class(rule=RULES_BY_ACTION["request_review"], petition=registered, user=actors.clerk)()
    assert set(form.fields["reviewing_org"].queryset) == {district.county, city_renshe}
    # The city bureau sees nothing of the county until the review is requested of it; then it sees and decides.
    assert not petitions_visible_to(user=city_renshe_head).filter(pk=registered.pk).exists()
    act(registered, "request_review", actors.clerk, on=date(2026, 5, 10), reviewing_org=city_renshe.pk)
    assert petitions_visible_to(user=city_renshe_head).filter(pk=registered.pk).exists()
    act(registered, "decide_review", city_renshe_head, on=date(2026, 5, 20), review_outcome="modify", reasons="r")
    review = notice_of(registered, Notice.Kind.REVIEW)
    assert review.issuing_org == city_renshe
    assert "30日内向滨江市人民政府请求复核" in text_of(review)
    # Art 36: one level above the 复查机关 (the city bureau): the city government, not the province.
    form = action_form_class(rule=RULES_BY_ACTION["request_re_review"], petition=registered, user=actors.clerk)()
    assert list(form.fields["reviewing_org"].queryset) == [actors.city]
    with pytest.raises(RuleViolation, match="第三十六条"):
        act(registered, "request_re_review", actors.city_head, on=date(2026, 5, 25), reviewing_org=province.pk)
    act(registered, "request_re_review", actors.city_head, on=date(2026, 5, 25), reviewing_org=actors.city.pk)


# --- 4. every notice speaks for the organ that decides ----------------------------------------------


def test_each_notice_is_issued_by_the_organ_that_decides_not_the_users_own_org(registered, district, actors):
    # An administrator of the petition office records every step: the township's acceptance and decision,
    # the county government's review and the city's re-review. Each notice speaks for the deciding organ.
    admin = user_create(username="office-admin", password="pw-123456", org=district.office,
                        roles=[Role.ADMINISTRATOR], is_superuser=True)
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", admin, on=date(2026, 3, 5))
    act(registered, "reply", admin, on=date(2026, 4, 20), **REPLY)
    act(registered, "deliver", admin, on=date(2026, 4, 22), delivery_method="in_person")
    act(registered, "request_review", actors.clerk, on=date(2026, 5, 10), reviewing_org=district.county.pk)
    act(registered, "decide_review", admin, on=date(2026, 5, 20), review_outcome="uphold", reasons="r")
    act(registered, "request_re_review", actors.clerk, on=date(2026, 5, 25), reviewing_org=actors.city.pk)
    act(registered, "decide_re_review", admin, on=date(2026, 6, 1), review_outcome="uphold", reasons="r")
    expected = {
        Notice.Kind.FORWARDING: ("清溪区信访办", "2026年3月3日"),
        Notice.Kind.ACCEPTANCE: ("青石镇", "2026年3月5日"),
        Notice.Kind.DECISION: ("青石镇", "2026年4月20日"),
        Notice.Kind.REVIEW: ("清溪区人民政府", "2026年5月20日"),
        Notice.Kind.RE_REVIEW: ("滨江市人民政府", "2026年6月1日"),
    }
    for kind, (organ, day) in expected.items():
        notice = notice_of(registered, kind)
        assert notice.issuing_org.name == organ, kind
        text = text_of(notice)
        assert text.startswith(f"{organ}\n"), kind
        assert text.rstrip().endswith(f"{organ}\n{day}"), kind
    assert "对青石镇作出的信访处理意见" in text_of(notice_of(registered, Notice.Kind.REVIEW))
    assert "对清溪区人民政府作出的复查意见" in text_of(notice_of(registered, Notice.Kind.RE_REVIEW))


def test_a_rejection_is_in_the_name_of_the_organ_that_decides_on_acceptance(registered, district, category, actors):
    admin = user_create(username="office-admin", password="pw-123456", org=district.office,
                        roles=[Role.ADMINISTRATOR], is_superuser=True)
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", admin, on=date(2026, 3, 5))
    acceptance = notice_of(registered, Notice.Kind.ACCEPTANCE)
    assert acceptance.issuing_org == district.township_a
    other, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk)
    act(other, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(other, "reject", actors.handler, on=date(2026, 3, 5), rejection_reason="not_a_petition")
    rejection = notice_of(other, Notice.Kind.REJECTION)
    assert rejection.issuing_org == district.township_a
    assert text_of(rejection).rstrip().endswith("青石镇\n2026年3月5日")


# --- 6. a review request not accepted is its own decision, with its own notice and count --------------


def test_a_late_review_request_is_refused_by_the_county_with_its_own_notice_not_an_opinion(delivered, district,
                                                                                           actors):
    # The review window ran from 04-22 for 30 days (to 05-22).
    with pytest.raises(RuleViolation, match="复查申请不予受理"):
        act(delivered, "request_review", actors.county_head, on=date(2026, 6, 1), reviewing_org=district.county.pk)
    with pytest.raises(RuleViolation, match="尚未届满"):
        act(delivered, "refuse_review", actors.county_head, on=date(2026, 5, 20), review_refusal_reason="out_of_time")
    # The township whose decision it is cannot refuse it as late either: it does not decide on its review.
    with pytest.raises(RuleViolation, match="针对的是本机关（青石镇）的决定"):
        act(delivered, "refuse_review", actors.head, on=date(2026, 6, 1), review_refusal_reason="out_of_time")
    petition = act(delivered, "refuse_review", actors.county_head, on=date(2026, 6, 1),
                   review_refusal_reason="out_of_time", reason="收到书面答复已逾40日。")
    assert petition.status == PetitionStatus.DELIVERED
    refusal = notice_of(petition, Notice.Kind.REVIEW_REFUSAL)
    assert refusal.issuing_org == district.county and refusal.acted_on == date(2026, 6, 1)
    assert not Notice.objects.filter(petition=petition, kind=Notice.Kind.REVIEW).exists()
    assert not Clock.objects.filter(petition=petition, kind=Clock.Kind.REVIEW_DECISION).exists()
    text = text_of(refusal)
    assert text.startswith("清溪区人民政府\n信访事项复查申请不予受理告知书")
    assert "对青石镇作出的信访处理意见" in text and "向本机关提出的复查申请" in text
    assert "申请超过30日的法定期限。依据《信访工作条例》第三十五条的规定，本机关决定不予受理。" in text
    assert "具体理由：收到书面答复已逾40日。" in text and "特此告知。" in text
    assert text.rstrip().endswith("清溪区人民政府\n2026年6月1日")


def test_a_request_to_the_wrong_organ_is_refused_by_that_organ_which_names_the_right_one(delivered, district,
                                                                                         actors):
    with pytest.raises(RuleViolation, match="本机关不是复查机关"):
        act(delivered, "refuse_review", actors.city_head, on=date(2026, 5, 10), review_refusal_reason="out_of_time")
    with pytest.raises(RuleViolation, match="本机关是复查机关"):
        act(delivered, "refuse_review", actors.county_head, on=date(2026, 5, 10), review_refusal_reason="wrong_organ")
    # The organ whose decision is under review says nothing on the request, not even "wrong organ": it is not
    # offered the refusal, and refused if it tries.
    assert "refuse_review" not in {rule.action for rule in actions_allowed(petition=delivered, actor=actors.head)}
    with pytest.raises(RuleViolation, match="针对的是本机关（青石镇）的决定"):
        act(delivered, "refuse_review", actors.head, on=date(2026, 5, 10), review_refusal_reason="wrong_organ")
    assert not delivered.notices.filter(kind=Notice.Kind.REVIEW_REFUSAL).exists()
    petition = act(delivered, "refuse_review", actors.city_head, on=date(2026, 5, 10),
                   review_refusal_reason="wrong_organ")
    refusal = notice_of(petition, Notice.Kind.REVIEW_REFUSAL)
    assert refusal.issuing_org == actors.city
    text = text_of(refusal)
    assert "本机关不是原办理（复查）机关的上一级机关" in text
    assert "30日内，向原办理机关的上一级机关清溪区人民政府请求复查" in text
    # The review window still runs: the petitioner may still go to the county.
    act(delivered, "request_review", actors.county_head, on=date(2026, 5, 12), reviewing_org=district.county.pk)


def test_a_second_review_request_and_a_late_re_review_request_are_refused_and_counted_apart(delivered, district,
                                                                                          actors):
    act(delivered, "request_review", actors.county_head, on=date(2026, 5, 10), reviewing_org=district.county.pk)
    with pytest.raises(RuleViolation, match="已经复查"):
        act(delivered, "refuse_review", actors.county_head, on=date(2026, 5, 12), review_refusal_reason="out_of_time")
    act(delivered, "refuse_review", actors.county_head, on=date(2026, 5, 12), review_refusal_reason="already_decided")
    act(delivered, "decide_review", actors.county_head, on=date(2026, 5, 20), review_outcome="revoke", reasons="r")
    # The re-review window runs 30 days from 05-20; a request on 06-25 is late for the city to refuse.
    with pytest.raises(RuleViolation, match="针对的是本机关（清溪区人民政府）的决定"):
        act(delivered, "refuse_re_review", actors.county_head, on=date(2026, 6, 25),
            review_refusal_reason="out_of_time")
    act(delivered, "refuse_re_review", actors.city_head, on=date(2026, 6, 25), review_refusal_reason="out_of_time")
    assert notice_of(delivered, Notice.Kind.RE_REVIEW_REFUSAL).issuing_org == actors.city
    # 不予受理 is no longer a review opinion.
    with pytest.raises(ValidationError):
        act(delivered, "decide_review", actors.county_head, review_outcome="not_accepted", reasons="r")

    figures = compute(stats_query(user=None, filters=StatsFilters(start=date(2026, 1, 1), end=date(2026, 12, 31))))[None]
    values = {key: figure.value for key, figure in figures.items()}
    assert (values["reviews_requested"], values["reviews_not_accepted"], values["reviews_decided"]) == (1, 1, 1)
    assert (values["reviews_revoke"], values["reviews_uphold"], values["reviews_pending"]) == (1, 0, 0)
    assert (values["re_reviews_requested"], values["re_reviews_not_accepted"], values["re_reviews_decided"]) == (0, 1, 0)


def test_a_review_within_its_legal_period_is_counted_as_pending(delivered, district, actors):
    act(delivered, "request_review", actors.county_head, on=date(2026, 5, 10), reviewing_org=district.county.pk)
    may = compute(stats_query(user=None, filters=StatsFilters(start=date(2026, 5, 1), end=date(2026, 5, 31))))[None]
    assert may["reviews_pending"].value == 1
    # At the end of July the 30-day review period (from 05-10) has passed undecided: overdue, not pending.
    july = compute(stats_query(user=None, filters=StatsFilters(start=date(2026, 7, 1), end=date(2026, 7, 31))))[None]
    assert july["reviews_pending"].value == 0
