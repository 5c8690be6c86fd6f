"""The portal's services: a submission is registered by the county office on its online channel and enters the
office's inbox; bad input is refused in Chinese with nothing written; limits, codes and windows hold."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.conftest import act
from tests.portal.conftest import submission_input
from xinfang.petitions import crypto
from xinfang.petitions.models import Channel, Petition, PetitionStatus
from xinfang.petitions.services import UploadInput
from xinfang.portal import services
from xinfang.portal.antiabuse import RateLimited
from xinfang.portal.models import PhoneCheck, PortalSubmission
from xinfang.portal.selectors import progress_of, windows_of
from xinfang.supervision.inbox import inbox_queryset
from xinfang.workflow.models import Evaluation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit(district, category, consent, ip="10.0.0.1", **overrides):
    return services.portal_submit(data=submission_input(district=district, category=category, consent=consent,
                                                        **overrides), client_ip=ip)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def test_a_complaint_is_registered_by_the_county_office_online_and_enters_its_inbox(
        district, actors, category, consent):
    petition, code = submit(district, category, consent)
    assert petition.channel == Channel.ONLINE_COMPLAINT
    assert petition.status == PetitionStatus.REGISTERED
    assert petition.registering_org == district.office
    assert petition.registered_by.username == f"portal-{district.office.pk}"
    assert petition.registered_by.has_usable_password() is False
    assert petition.locality == district.village_a1
    submission = petition.portal_submission
    assert submission.consent_notice == consent
    assert submission.query_code_digest == services.query_code_digest(code)
    assert code.replace("-", "") not in submission.query_code_digest
    assert submission.phone_index == crypto.blind_index("13812345678")
    assert list(inbox_queryset(user=actors.reviewer).filter(pk=petition.pk)) == [petition]


def test_a_suggestion_goes_on_the_suggestion_channel(district, category, consent):
    petition, _ = submit(district, category, consent, kind="suggestion", petition_type="suggestion")
    assert petition.channel == Channel.ONLINE_SUGGESTION
    assert petition.portal_submission.kind == PortalSubmission.Kind.SUGGESTION


def test_the_same_portal_user_registers_every_submission_of_an_office(district, category, consent):
    first, _ = submit(district, category, consent)
    second, _ = submit(district, category, consent, phone="13912345678", id_number="")
    assert first.registered_by == second.registered_by


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"consented": False}, "consent", "请阅读并同意个人信息处理告知"),
    ({"consent_version": "2025-0"}, "consent", "个人信息处理告知已更新，请阅读新版本后重新同意"),
    ({"phone": ""}, "phone", "请填写手机号码：查询办理进度时向它发送验证码"),
    ({"phone": "023-6000 1234"}, "phone", "请填写手机号码（11位），以便接收短信验证码"),
    ({"name": " "}, "name", "请填写姓名"),
    ({"petition_type": "suggestion"}, "petition_type", "网上投诉请选择申诉求决或检举控告；网上建议为建议意见类"),
    ({"id_number": "110105194912310021"}, "id_number", None),
    ({"summary": ""}, "summary", "请填写概况"),
    ({"petition_type": "accusation"}, "complained_org",
     "检举控告类事项须选择被反映单位（被检举控告人所在单位），以便对其保密（第三十条）"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(district, category, consent, overrides, field,
                                                                message):
    with pytest.raises(ValidationError) as refused:
        submit(district, category, consent, **overrides)
    errors = messages_of(refused.value)
    assert field in errors
    if message:
        assert message in errors[field]
    assert all("\u4e00" <= ch <= "\u9fff" for ch in errors[field][0][:1])
    assert Petition.objects.count() == 0
    assert PortalSubmission.objects.count() == 0


def test_a_file_disguised_by_its_name_is_refused_by_content(district, category, consent):
    with pytest.raises(ValidationError) as refused:
        submit(district, category, consent, attachments=[UploadInput(name="证据.pdf", data=b"MZ\x90\x00\x03binary")])
    assert "attachments" in refused.value.message_dict
    assert "实际内容类型" in refused.value.message_dict["attachments"][0]
    assert Petition.objects.count() == 0


def test_a_real_pdf_is_attached(district, category, consent):
    petition, _ = submit(district, category, consent, attachments=[UploadInput(name="工资条.pdf", data=PDF)])
    assert [(a.original_name, a.content_type) for a in petition.attachments.all()] == [
        ("工资条.pdf", "application/pdf")]


def test_a_locality_without_an_online_office_is_refused(district, category, consent):
    from xinfang.orgs.services import org_create
    from xinfang.orgs.models import Org

    other = org_create(name="远山县人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY)
    township = org_create(name="远山镇", kind=Org.Kind.TOWNSHIP, level=Org.Level.TOWNSHIP, parent=other)
    with pytest.raises(ValidationError) as refused:
        submit(district, category, consent, locality_id=township.pk)
    assert refused.value.message_dict["locality"] == ["该属地暂未开通网上信访，请通过来信、来访等渠道反映"]
    assert Petition.objects.count() == 0


def test_submissions_are_limited_per_address_and_per_phone(district, category, consent, settings):
    settings.XINFANG_PORTAL_LIMITS = {"submit_ip": (2, 3600), "submit_phone": (1, 86400)}
    submit(district, category, consent, ip="10.0.0.9")
    with pytest.raises(RateLimited) as by_phone:
        submit(district, category, consent, ip="10.0.0.8")
    assert by_phone.value.message_dict["__all__"] == ["同一手机号码今日提交次数已达上限，请明日再试或拨打信访部门电话"]
    submit(district, category, consent, ip="10.0.0.9", phone="13912345678", id_number="")
    with pytest.raises(RateLimited) as by_address:
        submit(district, category, consent, ip="10.0.0.9", phone="13712345678", id_number="")
    assert by_address.value.message_dict["__all__"] == ["提交过于频繁，请一小时后再试"]
    assert Petition.objects.count() == 2


def test_query_codes_are_random_and_well_formed():
    codes = {services.query_code_new() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 14 and code.count("-") == 2 for code in codes)
    assert services.query_code_normalise("abcd-efgh jkmn") == "ABCDEFGHJKMN"


def test_the_code_with_another_phone_or_another_code_finds_nothing(district, category, consent):
    petition, code = submit(district, category, consent)
    _, other_code = submit(district, category, consent, phone="13912345678", id_number="")
    assert services.submission_find(code=code, phone="13812345678").petition == petition
    assert services.submission_find(code=code.lower(), phone="13812345678").petition == petition
    assert services.submission_find(code=code, phone="13912345678") is None
    assert services.submission_find(code=other_code, phone="13812345678") is None
    assert services.submission_find(code="AAAA-BBBB-CCCC", phone="13812345678") is None


def test_the_sms_code_is_sent_checked_and_spent(district, category, consent, sms_log,
                                                django_capture_on_commit_callbacks):
    petition, code = submit(district, category, consent)
    with pytest.raises(ValidationError) as wrong:
        services.phone_check_send(code=code, phone="13900000000", client_ip="10.0.0.1")
    assert wrong.value.message_dict["__all__"] == ["查询码或手机号码不正确"]
    assert PhoneCheck.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        check = services.phone_check_send(code=code, phone="13812345678", client_ip="10.0.0.1")
    sms = sms_log.last_code()
    assert "138****5678" in sms_log.caplog.text
    with pytest.raises(ValidationError) as bad:
        services.phone_check_verify(check_id=check.pk, sms_code="000000" if sms != "000000" else "111111")
    assert bad.value.message_dict["sms_code"] == ["验证码不正确，还可以尝试4次"]
    assert services.phone_check_verify(check_id=check.pk, sms_code=sms).petition == petition
    with pytest.raises(ValidationError) as spent:
        services.phone_check_verify(check_id=check.pk, sms_code=sms)
    assert spent.value.message_dict["sms_code"] == ["该验证码已使用，请重新获取"]


def test_five_wrong_sms_codes_spend_the_check(district, category, consent, sms_log,
                                              django_capture_on_commit_callbacks):
    _, code = submit(district, category, consent)
    with django_capture_on_commit_callbacks(execute=True):
        check = services.phone_check_send(code=code, phone="13812345678", client_ip="10.0.0.1")
    sms = sms_log.last_code()
    wrong = "000000" if sms != "000000" else "111111"
    for _ in range(services.SMS_MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            services.phone_check_verify(check_id=check.pk, sms_code=wrong)
    with pytest.raises(ValidationError) as refused:
        services.phone_check_verify(check_id=check.pk, sms_code=sms)
    assert refused.value.message_dict["sms_code"] == ["验证码输错次数过多，请重新获取"]
    check.refresh_from_db()
    assert check.verified_at is None


def test_an_expired_sms_code_is_refused(district, category, consent, sms_log, django_capture_on_commit_callbacks):
    _, code = submit(district, category, consent)
    with django_capture_on_commit_callbacks(execute=True):
        check = services.phone_check_send(code=code, phone="13812345678", client_ip="10.0.0.1")
    PhoneCheck.objects.filter(pk=check.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError) as refused:
        services.phone_check_verify(check_id=check.pk, sms_code=sms_log.last_code())
    assert refused.value.message_dict["sms_code"] == ["验证码已过期，请重新获取"]


def test_a_second_sms_within_a_minute_is_refused(district, category, consent):
    _, code = submit(district, category, consent)
    services.phone_check_send(code=code, phone="13812345678", client_ip="10.0.0.1")
    with pytest.raises(ValidationError) as refused:
        services.phone_check_send(code=code, phone="13812345678", client_ip="10.0.0.1")
    assert refused.value.message_dict["__all__"][0].startswith("验证码已发送，请")
    assert PhoneCheck.objects.count() == 1


def carried_to_delivery(petition, actors, district) -> Petition:
    """Forward, accept, reply and deliver with the services, today (the evaluation and review windows open)."""
    act(petition, "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(petition, "accept", actors.head)
    act(petition, "reply", actors.head, outcome="supported", facts="经查属实", decision="责令公司支付工资",
        legal_basis="《保障农民工工资支付条例》")
    return act(petition, "deliver", actors.head, delivery_method="electronic")


def test_the_petitioner_evaluates_within_the_window_as_his_own_entry(district, actors, category, consent):
    petition, _ = submit(district, category, consent)
    submission = petition.portal_submission
    with pytest.raises(ValidationError) as early:
        services.portal_evaluate(submission=submission, rating="satisfied")
    assert early.value.message_dict["rating"] == ["该事项当前不在评价期内，或已经评价"]
    carried_to_delivery(petition, actors, district)
    services.portal_evaluate(submission=submission, rating="mostly_satisfied", comment="处理及时")
    evaluation = Evaluation.objects.get(petition=petition)
    assert (evaluation.rating, evaluation.rated_by, evaluation.entered_by_party) == (
        "mostly_satisfied", "petitioner", Evaluation.EnteredByParty.PETITIONER)
    assert evaluation.entered_by == petition.registered_by
    with pytest.raises(ValidationError):
        services.portal_evaluate(submission=submission, rating="satisfied")
    assert Evaluation.objects.filter(petition=petition).count() == 1


def test_a_staff_evaluation_is_recorded_as_entered_by_staff(district, actors, category, consent):
    petition, _ = submit(district, category, consent)
    carried_to_delivery(petition, actors, district)
    act(petition, "evaluate", actors.head, rating="satisfied", rated_by="petitioner")
    assert Evaluation.objects.get(petition=petition).entered_by_party == Evaluation.EnteredByParty.STAFF


def test_the_review_request_goes_to_an_organ_one_level_up_within_its_window(district, actors, category, consent):
    petition, _ = submit(district, category, consent)
    submission = petition.portal_submission
    carried_to_delivery(petition, actors, district)
    window = windows_of(submission=submission)["request_review"]
    assert [organ.name for organ in window.organs] == ["清溪区人民政府"]
    with pytest.raises(ValidationError) as wrong_organ:
        services.portal_request_review(submission=submission, action="request_review",
                                       reviewing_org_id=district.township_b.pk)
    assert wrong_organ.value.message_dict["reviewing_org"] == ["请选择受理复查请求的机关"]
    services.portal_request_review(submission=submission, action="request_review",
                                   reviewing_org_id=district.county.pk)
    petition.refresh_from_db()
    assert (petition.status, petition.review_org) == (PetitionStatus.UNDER_REVIEW, district.county)


def test_no_review_request_after_its_window(district, actors, category, consent):
    petition, _ = submit(district, category, consent)
    carried_to_delivery(petition, actors, district)
    later = timezone.localdate() + timedelta(days=60)
    assert windows_of(submission=petition.portal_submission, today=later) == {
        "evaluate": None, "request_review": None, "request_re_review": None}


def test_progress_shows_plain_words_and_only_valid_notices(district, actors, category, consent):
    petition, _ = submit(district, category, consent)
    carried_to_delivery(petition, actors, district)
    progress = progress_of(submission=petition.portal_submission)
    assert progress.status_label == "已送达"
    assert progress.status_text.startswith("处理意见已送达")
    assert [notice.get_kind_display() for notice in progress.notices] == ["转送告知书", "受理告知书", "信访处理意见书"]
    assert progress.same_matter_hint is False


def test_the_same_matter_hint_names_only_the_petitioners_own_earlier_matter(district, category, consent):
    first, _ = submit(district, category, consent)
    second, _ = submit(district, category, consent, phone="13912345678")  # the same ID: the same petitioner
    stranger, _ = submit(district, category, consent, name="李四", id_number="440524198001010013",
                         phone="13712345678")
    assert progress_of(submission=second.portal_submission).same_matter_hint is True
    # Another person telling the same story learns nothing of the others' matters.
    assert progress_of(submission=stranger.portal_submission).same_matter_hint is False
    assert progress_of(submission=first.portal_submission).same_matter_hint is False


def test_the_re_review_request_goes_above_the_reviewing_organ(district, actors, category, consent):
    petition, _ = submit(district, category, consent)
    submission = petition.portal_submission
    carried_to_delivery(petition, actors, district)
    services.portal_request_review(submission=submission, action="request_review",
                                   reviewing_org_id=district.county.pk)
    assert windows_of(submission=submission)["request_re_review"] is None
    act(petition, "decide_review", actors.county_head, review_outcome="uphold", reasons="原处理意见正确")
    window = windows_of(submission=submission)["request_re_review"]
    assert [organ.pk for organ in window.organs] == [actors.city.pk]
    services.portal_request_review(submission=submission, action="request_re_review",
                                   reviewing_org_id=actors.city.pk)
    petition.refresh_from_db()
    assert (petition.status, petition.re_review_org) == (PetitionStatus.UNDER_RE_REVIEW, actors.city)


def test_query_checks_are_limited_per_address(district, category, consent, settings):
    settings.XINFANG_PORTAL_LIMITS = {"query_ip": (1, 3600)}
    _, code = submit(district, category, consent)
    with pytest.raises(ValidationError):
        services.phone_check_send(code=code, phone="13900000000", client_ip="10.0.0.7")
    with pytest.raises(RateLimited) as limited:
        services.phone_check_send(code=code, phone="13812345678", client_ip="10.0.0.7")
    assert limited.value.message_dict["__all__"] == ["查询过于频繁，请一小时后再试"]
    assert PhoneCheck.objects.count() == 0


def test_petition_act_refuses_a_petitioner_entry_of_anything_but_his_own_rating(district, actors, category,
                                                                                consent):
    from xinfang.workflow.exceptions import ActionNotPermitted
    from xinfang.workflow.services import petition_act

    petition, _ = submit(district, category, consent)
    carried_to_delivery(petition, actors, district)
    with pytest.raises(ActionNotPermitted):
        petition_act(petition_id=petition.pk, action="evaluate", actor=petition.registered_by,
                     values={"rating": "satisfied", "rated_by": "staff"}, entered_by_petitioner=True)
    assert Evaluation.objects.count() == 0
