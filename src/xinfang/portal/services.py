"""Writes of the public portal: a submission registered as received online, the phone check, the petitioner's
own evaluation and review requests. Each write is one transaction; bad input is refused with a Chinese message
and nothing is written (the rate-limit counters, in the cache, count every try).

The actor of every procedural step is the portal's system user of the receiving office (`portal_user_for`): an
intake clerk of that office with no password, so the matter is registered by that office, enters its inbox,
and the steps the petitioner takes are recorded as taken through the portal.
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from xinfang.audit.services import audit_record
from xinfang.notifications.sms import send_sms
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.services import user_create
from xinfang.petitions import crypto
from xinfang.petitions.models import Channel, Petition, PetitionType
from xinfang.petitions.services import (
    PetitionerInput,
    PetitionInput,
    UploadInput,
    petition_register,
    registration_check,
)
from xinfang.petitions.validators import validate_phone
from xinfang.portal.antiabuse import rate_limit_hit
from xinfang.portal.models import ConsentNotice, PhoneCheck, PortalSubmission
from xinfang.portal.selectors import consent_notice_current, county_of, offices_by_county, windows_of
from xinfang.workflow.choices import Rating
from xinfang.workflow.services import petition_act

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper
QUERY_CODE_LENGTH = 12  # 32**12 = 2**60 codes
QUERY_CODE_SALT = "xinfang.portal.query_code"
SMS_CODE_SALT = "xinfang.portal.sms_code"
SMS_CODE_LIFETIME = timedelta(minutes=10)
SMS_RESEND_AFTER = timedelta(seconds=60)
SMS_MAX_ATTEMPTS = 5
MAX_ATTACHMENTS = 5
PORTAL_USERNAME = "portal-{office_id}"
# The submission kinds and the petition types each allows: a complaint is a grievance or an accusation.
KIND_CHANNELS = {PortalSubmission.Kind.COMPLAINT: Channel.ONLINE_COMPLAINT,
                 PortalSubmission.Kind.SUGGESTION: Channel.ONLINE_SUGGESTION}
KIND_TYPES = {PortalSubmission.Kind.COMPLAINT: (PetitionType.GRIEVANCE, PetitionType.ACCUSATION),
              PortalSubmission.Kind.SUGGESTION: (PetitionType.SUGGESTION,)}
WRONG_CODE = "查询码或手机号码不正确"


@dataclass
class SubmissionInput:
    kind: str
    petition_type: str
    name: str
    phone: str
    locality_id: int | None
    category_id: int | None
    summary: str
    content: str
    consent_version: str
    consented: bool
    id_number: str = ""
    address: str = ""
    demands: str = ""
    complained_org_id: int | None = None
    attachments: list[UploadInput] = field(default_factory=list)


def query_code_new() -> str:
    """A random query code of 12 characters, shown as three groups of four."""
    code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))
    return "-".join(code[i:i + 4] for i in range(0, QUERY_CODE_LENGTH, 4))


def query_code_normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch in QUERY_CODE_ALPHABET)


def query_code_digest(code: str) -> str:
    """The keyed digest stored for a query code (SECRET_KEY-based HMAC: a copied table reveals no code)."""
    return salted_hmac(QUERY_CODE_SALT, query_code_normalise(code), algorithm="sha256").hexdigest()


def office_for(*, locality: Org) -> Org:
    """The receiving office of an online matter: the county petition office of the county of its locality."""
    county = county_of(locality)
    office = offices_by_county().get(county.pk) if county is not None else None
    if office is None:
        raise ValidationError({"locality": ["该属地暂未开通网上信访，请通过来信、来访等渠道反映"]})
    return office


def portal_user_for(*, office: Org) -> User:
    """The office's system user for the portal (created once): an intake clerk who cannot log in."""
    username = PORTAL_USERNAME.format(office_id=office.pk)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(username=username, password=None, org=office, roles=[Role.INTAKE_CLERK],
                           full_name=f"网上信访（{office.name}）")
    return user


def _check_submission(data: SubmissionInput) -> tuple[ConsentNotice, str]:
    """Portal-only rules beyond the registration's own: kind, consent, phone; returns (notice, clean phone)."""
    errors: dict[str, list[str]] = {}
    notice = consent_notice_current()
    if data.kind not in KIND_TYPES:
        errors["kind"] = ["请选择网上投诉或网上建议"]
    elif data.petition_type not in KIND_TYPES[data.kind]:
        errors["petition_type"] = ["网上投诉请选择申诉求决或检举控告；网上建议为建议意见类"]
    if notice is None:
        errors["consent"] = ["个人信息处理告知尚未发布，暂不能网上提交"]
    elif not data.consented:
        errors["consent"] = ["请阅读并同意个人信息处理告知"]
    elif data.consent_version != notice.version:
        errors["consent"] = ["个人信息处理告知已更新，请阅读新版本后重新同意"]
    if not data.name.strip():
        errors["name"] = ["请填写姓名"]
    phone = ""
    if not data.phone.strip():
        errors["phone"] = ["请填写手机号码：查询办理进度时向它发送验证码"]
    else:
        try:
            phone = validate_phone(data.phone.strip())
        except ValidationError as error:
            errors["phone"] = error.messages
        if phone and not (len(phone) == 11 and phone.startswith("1")):
            errors["phone"] = ["请填写手机号码（11位），以便接收短信验证码"]
    if len(data.attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = [f"最多上传{MAX_ATTACHMENTS}个附件"]
    if data.locality_id is None:
        errors["locality"] = ["请选择问题属地"]
    if errors:
        raise ValidationError(errors)
    return notice, phone


# The petitions service names its fields by the staff form's names; the portal's form names some differently.
FIELD_NAMES = {"petitioners.0.name": "name", "petitioners.0.id_number": "id_number",
               "petitioners.0.phone": "phone", "petitioners.0.address": "address", "attachments": "attachments",
               "complained_org": "complained_org", "category": "category", "locality": "locality"}


def portal_submit(*, data: SubmissionInput, client_ip: str) -> tuple[Petition, str]:
    """Register an online complaint or suggestion as received by the county office of its locality.

    Returns (petition, query code); the code is never stored in clear. Limits per address and per phone are
    counted first, so a flood of bad forms is limited too.
    """
    rate_limit_hit(kind="submit_ip", key=client_ip or "unknown")
    if data.phone.strip():
        rate_limit_hit(kind="submit_phone", key=crypto.blind_index(data.phone.strip()))
    notice, phone = _check_submission(data)
    locality = Org.objects.filter(pk=data.locality_id, is_active=True).first()
    if locality is None:
        raise ValidationError({"locality": ["问题属地不存在"]})
    office = office_for(locality=locality)
    code = query_code_new()
    try:
        petition = _register(data=data, phone=phone, office=office, notice=notice, code=code)
    except ValidationError as error:
        raise ValidationError(_portal_names(error)) from None
    return petition, code


def _petition_input(data: SubmissionInput, phone: str) -> PetitionInput:
    return PetitionInput(
        channel=KIND_CHANNELS.get(data.kind, ""), received_at=timezone.now(), summary=data.summary,
        content=data.content, demands=data.demands, category_id=data.category_id,
        petition_type=data.petition_type, locality_id=data.locality_id, complained_org_id=data.complained_org_id,
        petitioners=[PetitionerInput(name=data.name, id_number=data.id_number, phone=phone,
                                     address=data.address)],
        attachments=data.attachments,
    )


def _portal_names(error: ValidationError) -> dict[str, list[str]]:
    return {FIELD_NAMES.get(key, key): messages for key, messages in error.message_dict.items()}


def submission_problems(data: SubmissionInput) -> dict[str, list[str]]:
    """Every problem of a submission found without writing or counting anything (shown with a wrong CAPTCHA,
    so that the visitor corrects everything at once)."""
    problems: dict[str, list[str]] = {}
    phone = data.phone.strip()
    try:
        _, phone = _check_submission(data)
    except ValidationError as error:
        problems.update(error.message_dict)
    try:
        registration_check(_petition_input(data, phone))
    except ValidationError as error:
        problems.update({key: messages for key, messages in _portal_names(error).items() if key not in problems})
    return problems


@transaction.atomic
def _register(*, data: SubmissionInput, phone: str, office: Org, notice: ConsentNotice, code: str) -> Petition:
    actor = portal_user_for(office=office)
    petition, _ = petition_register(data=_petition_input(data, phone), actor=actor)
    now = timezone.now()
    submission = PortalSubmission(petition=petition, kind=data.kind, consent_notice=notice, consented_at=now,
                                  query_code_digest=query_code_digest(code), phone_index=crypto.blind_index(phone))
    submission.full_clean(exclude=["petition", "consent_notice"])
    submission.save()
    audit_record(actor=actor, action="portal.submit", target=petition,
                 data={"kind": data.kind, "consent_version": notice.version})
    return petition


def submission_find(*, code: str, phone: str) -> PortalSubmission | None:
    """The submission of this query code, if this phone was given with it; else None (one answer for both)."""
    normalised = query_code_normalise(code)
    if len(normalised) != QUERY_CODE_LENGTH:
        return None
    submission = (PortalSubmission.objects.filter(query_code_digest=query_code_digest(normalised))
                  .select_related("petition").first())
    index = crypto.blind_index((phone or "").strip())
    if submission is None or not index or not constant_time_compare(submission.phone_index, index):
        return None
    return submission


def _sms_digest(check_id_seed: str, code: str) -> str:
    return salted_hmac(SMS_CODE_SALT, f"{check_id_seed}:{code}", algorithm="sha256").hexdigest()


def phone_check_send(*, code: str, phone: str, client_ip: str) -> PhoneCheck:
    """Send a 6-digit SMS code to the phone given with the submission, once the code and phone match."""
    rate_limit_hit(kind="query_ip", key=client_ip or "unknown")
    submission = submission_find(code=code, phone=phone)
    if submission is None:
        raise ValidationError({"__all__": [WRONG_CODE]}, code="wrong_code")
    rate_limit_hit(kind="sms_phone", key=submission.phone_index)
    now = timezone.now()
    last = submission.phone_checks.order_by("-sent_at").first()
    if last is not None and now - last.sent_at < SMS_RESEND_AFTER:
        wait = int((SMS_RESEND_AFTER - (now - last.sent_at)).total_seconds()) + 1
        raise ValidationError({"__all__": [f"验证码已发送，请{wait}秒后再重新获取"]}, code="too_soon")
    sms_code = f"{secrets.randbelow(1_000_000):06d}"
    seed = secrets.token_hex(8)
    with transaction.atomic():
        check = PhoneCheck.objects.create(submission=submission, code_digest=f"{seed}${_sms_digest(seed, sms_code)}",
                                          sent_at=now, expires_at=now + SMS_CODE_LIFETIME)
        minutes = int(SMS_CODE_LIFETIME.total_seconds() // 60)
        text = f"【网上信访】您查询信访事项办理进度的验证码为{sms_code}，{minutes}分钟内有效。如非本人操作，请忽略。"
        # Sent to the number stored with the petition (the one given with the submission), after commit.
        transaction.on_commit(lambda: send_sms(phone.strip(), text))
    return check


def phone_check_verify(*, check_id: int, sms_code: str) -> PortalSubmission:
    """Check the SMS code: expired, spent or wrong codes are refused; a wrong one counts against the limit."""
    now = timezone.now()
    check = PhoneCheck.objects.filter(pk=check_id).select_related("submission__petition").first()
    if check is None:
        raise ValidationError({"sms_code": ["请先获取短信验证码"]})
    if check.verified_at is not None:
        raise ValidationError({"sms_code": ["该验证码已使用，请重新获取"]})
    if now > check.expires_at:
        raise ValidationError({"sms_code": ["验证码已过期，请重新获取"]})
    if check.attempts >= SMS_MAX_ATTEMPTS:
        raise ValidationError({"sms_code": ["验证码输错次数过多，请重新获取"]})
    seed, _, digest = check.code_digest.partition("$")
    if not constant_time_compare(_sms_digest(seed, (sms_code or "").strip()), digest):
        # Counted outside any transaction a caller might roll back: the limit must hold.
        PhoneCheck.objects.filter(pk=check.pk).update(attempts=F("attempts") + 1)
        left = SMS_MAX_ATTEMPTS - check.attempts - 1
        message = f"验证码不正确，还可以尝试{left}次" if left > 0 else "验证码输错次数过多，请重新获取"
        raise ValidationError({"sms_code": [message]})
    with transaction.atomic():
        updated = PhoneCheck.objects.filter(pk=check.pk, verified_at__isnull=True).update(verified_at=now)
        if not updated:
            raise ValidationError({"sms_code": ["该验证码已使用，请重新获取"]})
        audit_record(actor=None, action="portal.phone_verified", target=check.submission.petition,
                     data={"phone_check": check.pk})
    return check.submission


def _portal_actor(submission: PortalSubmission) -> User:
    return portal_user_for(office=submission.petition.registering_org)


def portal_evaluate(*, submission: PortalSubmission, rating: str, comment: str = "") -> Petition:
    """The petitioner rates the handling himself, within the evaluation window (recorded as his own entry)."""
    if rating not in Rating.values:
        raise ValidationError({"rating": ["请选择满意、基本满意或不满意"]})
    if windows_of(submission=submission)["evaluate"] is None:
        raise ValidationError({"rating": ["该事项当前不在评价期内，或已经评价"]})
    values = {"rating": rating, "rated_by": "petitioner"}
    if comment.strip():
        values["comment"] = comment.strip()[:500]
    return petition_act(petition_id=submission.petition_id, action="evaluate", actor=_portal_actor(submission),
                        values=values, entered_by_petitioner=True)


REQUESTS = {"request_review": "复查", "request_re_review": "复核"}


def portal_request_review(*, submission: PortalSubmission, action: str, reviewing_org_id: int | None) -> Petition:
    """The petitioner requests review (复查) or re-review (复核) within its window, to an organ one level up."""
    if action not in REQUESTS:
        raise ValidationError({"reviewing_org": ["请求类型无效"]})
    window = windows_of(submission=submission)[action]
    if window is None:
        raise ValidationError({"reviewing_org": [f"该事项当前不能请求{REQUESTS[action]}，或已超过请求期限"]})
    if reviewing_org_id not in {organ.pk for organ in window.organs}:
        raise ValidationError({"reviewing_org": [f"请选择受理{REQUESTS[action]}请求的机关"]})
    return petition_act(petition_id=submission.petition_id, action=action, actor=_portal_actor(submission),
                        values={"reviewing_org": reviewing_org_id})
