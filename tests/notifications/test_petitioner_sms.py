"""SMS to petitioners at the 告知 steps: only with their recorded consent, once per notice and petitioner."""

import logging
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from playwright.sync_api import expect

from tests.conftest import ID_LI, act, petition_input
from tests.web.conftest import artifact_path, chromium_page
from tests.web.test_register_view import form_data
from xinfang.audit.models import AuditEvent
from xinfang.notifications.consent import sms_consent_record
from xinfang.notifications.models import PetitionerMessage, SmsConsent
from xinfang.notifications.petitioner_sms import petitioner_messages_send
from xinfang.notifications.sms import BaseSmsBackend, MemorySmsBackend
from xinfang.notifications.tasks import petitioner_sms_send
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Category, HotTopic, Petition, PetitionType
from xinfang.petitions.reference_data import load_reference_data
from xinfang.petitions.services import PetitionerInput, petition_register
from xinfang.workflow.models import Clock, Notice
from xinfang.workflow.services import petition_correct

MOBILE = "13812345678"
MASKED = "138****5678"


class FailingSmsBackend(BaseSmsBackend):
    """A gateway that refuses, quoting the number as real ones do."""

    attempts: list[str] = []

    def send(self, phone: str, text: str) -> None:
        FailingSmsBackend.attempts.append(phone)
        raise RuntimeError(f"gateway refused {phone}")


@pytest.fixture
def memory_sms(settings):
    settings.XINFANG_SMS_BACKEND = "xinfang.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    return MemorySmsBackend.outbox


def consent(petition: Petition, actor, *, given: bool = True, position: int = 0) -> SmsConsent:
    petitioner_id = petition.parties.get(position=position).petitioner_id
    return sms_consent_record(petition_id=petition.pk, petitioner_id=petitioner_id, given=given,
                              method=SmsConsent.Method.ORAL, actor=actor)


def run_committed(django_capture_on_commit_callbacks, petition, action, actor, **values):
    """An action as the web does it: its transaction commits, then the SMS task runs (immediate backend)."""
    with django_capture_on_commit_callbacks(execute=True):
        return act(petition, action, actor, **values)


def forward_committed(capture, petition, actors, district):
    """The office's reviewer forwards the matter to 青石镇, committed."""
    return run_committed(capture, petition, "forward", actors.reviewer, handling_org=district.township_a.pk)


def due(petition, kind) -> str:
    clock = Clock.objects.get(petition=petition, kind=kind, voided=False)
    return f"{clock.statutory_due.year}年{clock.statutory_due.month}月{clock.statutory_due.day}日"


@pytest.mark.django_db
def test_without_consent_no_sms_is_sent(registered, actors, district, memory_sms,
                                        django_capture_on_commit_callbacks):
    forward_committed(django_capture_on_commit_callbacks, registered, actors, district)
    assert Notice.objects.filter(petition=registered).count() == 1
    assert not PetitionerMessage.objects.exists()
    assert memory_sms == []


@pytest.mark.django_db
def test_each_notice_sends_one_sms_to_each_consenting_petitioner_naming_office_number_step_and_due(
        district, category, actors, memory_sms, django_capture_on_commit_callbacks):
    # given: two petitioners, only the first consents
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petitioners=[
            PetitionerInput(name="张小三", phone=MOBILE), PetitionerInput(name="李四", id_number=ID_LI,
                                                                       phone="13900002222")]),
        actor=district.clerk)
    consent(petition, district.clerk)
    # when: forwarded, then accepted
    run_committed(django_capture_on_commit_callbacks, petition, "forward", actors.reviewer,
                  handling_org=district.township_a.pk)
    run_committed(django_capture_on_commit_callbacks, petition, "accept", actors.handler)
    # then
    number = petition.number
    assert memory_sms == [
        (MOBILE, f"【清溪区信访办】您的信访事项{number}已转送青石镇，该机关将于{due(petition, 'acceptance')}"
                 f"前决定是否受理并告知您。"),
        (MOBILE, f"【清溪区信访办】您的信访事项{number}已受理，办理期限至{due(petition, 'handling')}。"),
    ]
    messages = PetitionerMessage.objects.order_by("id")
    assert [(m.notice.kind, m.status, m.phone_masked) for m in messages] == [
        (Notice.Kind.FORWARDING, "sent", MASKED), (Notice.Kind.ACCEPTANCE, "sent", MASKED)]


@pytest.mark.django_db
def test_a_withdrawn_consent_stops_further_sms(registered, actors, district, memory_sms,
                                               django_capture_on_commit_callbacks):
    consent(registered, district.clerk)
    forward_committed(django_capture_on_commit_callbacks, registered, actors, district)
    consent(registered, actors.reviewer, given=False)
    run_committed(django_capture_on_commit_callbacks, registered, "accept", actors.handler)
    assert [text for _, text in memory_sms if "已受理" in text] == []
    assert len(memory_sms) == 1 and PetitionerMessage.objects.count() == 1
    assert SmsConsent.objects.filter(petition=registered).count() == 2  # history kept: append-only


@pytest.mark.django_db
def test_a_rerun_of_the_task_sends_nothing_twice(registered, actors, district, memory_sms,
                                                 django_capture_on_commit_callbacks):
    consent(registered, district.clerk)
    forward_committed(django_capture_on_commit_callbacks, registered, actors, district)
    notice = Notice.objects.get(petition=registered)
    petitioner_sms_send.enqueue(notice_id=notice.pk)
    petitioner_messages_send()
    assert len(memory_sms) == 1
    assert PetitionerMessage.objects.get().status == PetitionerMessage.Status.SENT


@pytest.mark.django_db
def test_a_message_claimed_by_a_worker_that_died_is_not_sent_again(registered, actors, district, memory_sms,
                                                                   django_capture_on_commit_callbacks):
    consent(registered, district.clerk)
    with django_capture_on_commit_callbacks(execute=False):  # the worker never ran the task
        act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    message = PetitionerMessage.objects.get()
    assert message.status == PetitionerMessage.Status.QUEUED
    PetitionerMessage.objects.filter(pk=message.pk).update(claimed_at=message.created_at)  # claimed, then killed
    petitioner_messages_send()
    assert memory_sms == []


@pytest.mark.django_db
def test_a_failing_gateway_is_recorded_as_failed_and_not_retried(registered, actors, district, settings, caplog,
                                                                 django_capture_on_commit_callbacks):
    settings.XINFANG_SMS_BACKEND = f"{__name__}.FailingSmsBackend"
    FailingSmsBackend.attempts.clear()
    consent(registered, district.clerk)
    with caplog.at_level(logging.INFO):
        forward_committed(django_capture_on_commit_callbacks, registered, actors, district)
        petitioner_messages_send()
    message = PetitionerMessage.objects.get()
    assert message.status == PetitionerMessage.Status.FAILED
    assert message.reason == "短信平台发送失败（RuntimeError）"
    assert FailingSmsBackend.attempts == [MOBILE]
    assert MOBILE not in caplog.text and MASKED in caplog.text


@pytest.mark.django_db
def test_the_log_and_the_records_show_only_the_masked_number(registered, actors, district, settings, caplog,
                                                              django_capture_on_commit_callbacks):
    settings.XINFANG_SMS_BACKEND = "xinfang.notifications.sms.LoggingSmsBackend"
    consent(registered, district.clerk)
    with caplog.at_level(logging.INFO, logger="xinfang.sms"):
        forward_committed(django_capture_on_commit_callbacks, registered, actors, district)
    assert f"SMS to {MASKED}: 【清溪区信访办】您的信访事项{registered.number}已转送青石镇" in caplog.text
    assert MOBILE not in caplog.text
    audited = AuditEvent.objects.filter(action__in=["notifications.petitioner_sms", "notifications.sms_consent"])
    assert audited.count() == 2
    assert all(MOBILE not in str(event.data) for event in audited)


@pytest.mark.django_db
def test_an_accusations_sms_says_nothing_of_its_content_or_the_accused(district, category, actors, memory_sms,
                                                                        django_capture_on_commit_callbacks):
    accusation, _ = petition_register(data=petition_input(
        locality=district.township_b, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_b.pk, summary="检举白沙镇某干部收受工程款",
        content="白沙镇王某某在工程验收中收受好处费。", demands="请求查处王某某。"), actor=district.clerk)
    consent(accusation, district.clerk)
    run_committed(django_capture_on_commit_callbacks, accusation, "forward", actors.reviewer,
                  handling_org=district.department.pk)
    [(phone, text)] = memory_sms
    assert text == (f"【清溪区信访办】您的信访事项{accusation.number}已转送有权处理机关，"
                    f"该机关将于{due(accusation, 'acceptance')}前决定是否受理并告知您。")
    assert not re.search("白沙|王某某|工程|收受|人力社保", text)


@pytest.mark.django_db
def test_a_notice_voided_by_a_correction_while_its_sms_is_queued_sends_nothing(
        registered, actors, district, memory_sms, django_capture_on_commit_callbacks):
    consent(registered, district.clerk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    petition_correct(petition_id=registered.pk, actor=actors.reviewer, reason="转送单位选错")
    for callback in callbacks:  # the worker gets to the task only now
        callback()
    message = PetitionerMessage.objects.get()
    assert (message.status, message.reason) == (PetitionerMessage.Status.CANCELLED, "文书已因更正作废")
    assert memory_sms == []


@pytest.mark.django_db
def test_a_petitioner_without_a_mobile_phone_cannot_consent(district, category):
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category,
        petitioners=[PetitionerInput(name="张小三", phone="023-62345678")]), actor=district.clerk)
    with pytest.raises(ValidationError, match="没有登记有效的手机号码"):
        consent(petition, district.clerk)
    assert not SmsConsent.objects.exists()


@pytest.mark.django_db
def test_only_the_registering_offices_staff_who_see_the_matter_record_consent(registered, actors, district,
                                                                               client):
    petitioner_id = registered.parties.get().petitioner_id
    url = f"/notifications/sms/petitions/{registered.pk}/consent/"
    post = {"petitioner": petitioner_id, "given": "1", "method": "oral"}
    # 白沙镇 cannot see a matter of 青石镇: 404 on the page, refused by the service
    client.force_login(district.township_b_user)
    assert client.post(url, post).status_code == 404
    with pytest.raises(PermissionDenied):
        consent(registered, district.township_b_user)
    # 青石镇 sees it once forwarded, but is not the office that registered it
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    client.force_login(actors.handler)
    assert client.post(url, post).status_code == 403
    assert not SmsConsent.objects.exists()
    # the office's reviewer may
    client.force_login(actors.reviewer)
    assert client.post(url, post).status_code == 302
    assert SmsConsent.objects.get().given is True


@pytest.mark.django_db
def test_registration_records_the_ticked_consent_or_nothing_at_all(client, district, category):
    client.force_login(district.clerk)
    refused = client.post("/petitions/new/", form_data(district, category, **{
        "petitioners-0-phone": "023-62345678", "petitioners-0-sms_consent": "on",
        "petitioners-0-sms_consent_method": "written"}))
    assert "没有登记有效的手机号码" in refused.content.decode()
    assert not Petition.objects.exists()  # the registration went back with the refused consent
    client.post("/petitions/new/", form_data(district, category, **{
        "idempotency_key": "form-2", "petitioners-1-phone": "13900002222", "petitioners-1-sms_consent": "on",
        "petitioners-1-sms_consent_method": "written"}))
    recorded = SmsConsent.objects.get()
    assert (recorded.petitioner.name, recorded.given, recorded.method) == ("李四", True, "written")


def login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="信访事项")).to_be_visible()


@pytest.mark.browser
def test_the_case_page_shows_the_sms_sent_after_registration_with_consent_and_forwarding(
        live_server, district, settings):
    # given: the logging gateway (the default); a reviewer of the office
    settings.XINFANG_SMS_BACKEND = "xinfang.notifications.sms.LoggingSmsBackend"
    load_reference_data(Category, HotTopic)
    user_create(username="reviewer", password="pw-123456", org=district.office, roles=[Role.REVIEWER])

    with chromium_page(base_url=live_server.url, failure_name="petitioner-sms-failure") as page:
        # when: the clerk registers a letter, the petitioner consenting by phone
        login(page, "clerk", "pw-clerk-123")
        page.goto("/petitions/new/")
        page.wait_for_load_state("load")
        page.get_by_label("信访形式").select_option("letter")
        row = page.locator(".petitioner-row[data-row='0']")
        row.get_by_label("姓名/单位").fill("张小三")
        row.get_by_label("联系电话").fill(MOBILE)
        row.get_by_label("同意接收短信告知").check()
        row.get_by_label("表示方式").select_option(label="电话")
        page.get_by_label("问题分类").select_option(label="劳动社保 / 欠薪讨薪")
        page.get_by_label("问题属地").select_option(str(district.township_a.pk))
        page.get_by_label("概况", exact=True).fill("反映某建筑公司拖欠农民工工资")
        page.get_by_label("信访内容").fill("本人在青石镇某工地务工，工程结束后公司拖欠工资三个月未付。")
        page.screenshot(path=artifact_path("petitioner-sms-register"), full_page=True)
        page.get_by_role("button", name="保存登记").click()
        page.wait_for_url(re.compile(r"/petitions/\d+/$"))
        panel = page.locator("#petitioner-sms")
        expect(panel.locator("#sms-consents")).to_contain_text("同意")
        expect(panel.locator("#sms-consents")).to_contain_text("电话")
        page.locator("form[action='/logout/'] button").click()

        # ... and the reviewer forwards it to 青石镇
        login(page, "reviewer", "pw-123456")
        page.get_by_role("link", name=re.compile("QXXF-")).first.click()
        page.locator(".action-buttons").get_by_role("button", name="转送", exact=True).click()
        form = page.locator("form.action-form")
        form.get_by_label("责任单位").select_option(label="青石镇")
        form.get_by_role("button", name="确认转送").click()
        expect(page.locator(".flash-success")).to_contain_text("已转送")

        # then: the case page's panel shows the SMS sent, to the masked number
        messages = page.locator("#sms-messages tbody tr")
        expect(messages).to_have_count(1)
        expect(messages.first).to_contain_text("已发送")
        expect(messages.first).to_contain_text(MASKED)
        expect(messages.first).to_contain_text("转送告知书")
        expect(page.locator("#sms-logging-only")).to_be_visible()
        page.locator("#petitioner-sms").scroll_into_view_if_needed()
        page.locator("#petitioner-sms").screenshot(path=artifact_path("petitioner-sms-panel"))
        page.screenshot(path=artifact_path("petitioner-sms-case"), full_page=True)

    message = PetitionerMessage.objects.get()
    assert (message.status, message.phone_masked) == (PetitionerMessage.Status.SENT, MASKED)
    assert SmsConsent.objects.get().method == SmsConsent.Method.PHONE
