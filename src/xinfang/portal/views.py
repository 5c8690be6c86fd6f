"""The public portal's pages: no login (each view login_not_required), thin — form, service, render.

A verified petitioner's access to his one matter is kept in the session for VERIFIED_FOR; every page of the
matter fetches it by that id alone, so no URL or form can name another matter.
"""

from datetime import datetime, timedelta
from urllib.parse import quote

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.notices.services import NoticeVoided, notice_export
from xinfang.petitions.services import UploadInput
from xinfang.portal import services
from xinfang.portal.antiabuse import challenge_check, challenge_new
from xinfang.portal.forms import EvaluateForm, QueryForm, ReviewForm, SmsCodeForm, SubmitForm
from xinfang.portal.guide import GUIDE, ROADMAP, START
from xinfang.portal.models import ConsentNotice, PhoneCheck, PortalSubmission
from xinfang.portal.selectors import (
    consent_notice_current,
    progress_of,
    published_channels,
    reception_schedules,
    windows_of,
)

VERIFIED_FOR = timedelta(minutes=30)
KINDS = {"complaint": PortalSubmission.Kind.COMPLAINT, "suggestion": PortalSubmission.Kind.SUGGESTION}


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR: behind a reverse proxy, the proxy must set it from the client's address (docs/PORTAL.md).
    return request.META.get("REMOTE_ADDR", "")


def _errors_into(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: known fields on their field, the rest on the form."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for name, messages in by_field.items():
        target = name if name in form.fields and name != "__all__" else None
        for message in messages:
            form.add_error(target, message)


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"stages": ROADMAP})


@login_not_required
def guide(request: HttpRequest, step: str = START) -> HttpResponse:
    current = GUIDE.get(step)
    if current is None:
        raise Http404
    return render(request, "portal/guide.html", {"step": current, "step_id": step, "start": START})


@login_not_required
def roadmap(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/roadmap.html", {"stages": ROADMAP})


@login_not_required
def channels(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/channels.html", {
        "channels": published_channels(), "schedules": reception_schedules(today=timezone.localdate())})


@login_not_required
def consent(request: HttpRequest, version: str) -> HttpResponse:
    notice = ConsentNotice.objects.filter(version=version).first()
    if notice is None:
        raise Http404
    return render(request, "portal/consent.html", {"notice": notice})


def _submit_context(form: SubmitForm, kind: str) -> dict:
    challenge = challenge_new()
    form.data = form.data.copy() if form.is_bound else form.data
    if form.is_bound:
        form.data["captcha"] = ""
        form.data["captcha_token"] = challenge.token
    else:
        form.initial["captcha_token"] = challenge.token
    notice = consent_notice_current()
    if notice is not None and not form.is_bound:
        form.initial["consent_version"] = notice.version
    elif notice is not None:
        form.data["consent_version"] = notice.version
    return {"form": form, "kind": kind, "kind_label": KINDS[kind].label, "challenge": challenge, "notice": notice}


@login_not_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    if request.method == "GET":
        form = SubmitForm(kind=kind)
        return render(request, "portal/submit.html", _submit_context(form, kind))
    form = SubmitForm(request.POST, request.FILES, kind=kind)
    if form.is_valid():
        data = form.cleaned_data
        submission = services.SubmissionInput(
            kind=KINDS[kind], petition_type=data["petition_type"], name=data["name"], phone=data["phone"],
            id_number=data["id_number"], address=data["address"], locality_id=data["locality"].pk,
            category_id=data["category"].pk, summary=data["summary"], content=data["content"],
            demands=data["demands"], complained_org_id=data["complained_org"].pk if data["complained_org"] else None,
            consent_version=data["consent_version"], consented=data["consent"],
            attachments=[UploadInput(name=upload.name, data=upload.read()) for upload in data["attachments"]])
        try:
            challenge_check(token=data["captcha_token"], answer=data["captcha"])
        except ValidationError as error:
            # Nothing is submitted; the other problems are shown too, so that all are corrected at once.
            _errors_into(form, ValidationError({**services.submission_problems(submission), **error.message_dict}))
            return render(request, "portal/submit.html", _submit_context(form, kind), status=400)
        try:
            petition, code = services.portal_submit(data=submission, client_ip=client_ip(request))
        except ValidationError as error:
            _errors_into(form, error)
        else:
            request.session["portal_receipt"] = {"number": petition.number, "code": code,
                                                 "kind": KINDS[kind].label,
                                                 "office": petition.registering_org.name}
            return redirect("portal:receipt")
    return render(request, "portal/submit.html", _submit_context(form, kind), status=400)


@login_not_required
def receipt(request: HttpRequest) -> HttpResponse:
    # Shown once: the code is not stored in clear anywhere, the session forgets it after this page.
    data = request.session.pop("portal_receipt", None)
    if data is None:
        return redirect("portal:home")
    return render(request, "portal/receipt.html", {"receipt": data})


@login_not_required
@require_http_methods(["GET", "POST"])
def query(request: HttpRequest) -> HttpResponse:
    form = QueryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            challenge_check(token=form.cleaned_data["captcha_token"], answer=form.cleaned_data["captcha"])
            check = services.phone_check_send(code=form.cleaned_data["code"], phone=form.cleaned_data["phone"],
                                              client_ip=client_ip(request))
        except ValidationError as error:
            _errors_into(form, error)
        else:
            request.session["portal_check"] = check.pk
            request.session.pop("portal_verified", None)
            return redirect("portal:verify")
    challenge = challenge_new()
    if form.is_bound:
        form.data = form.data.copy()
        form.data["captcha"] = ""
        form.data["captcha_token"] = challenge.token
    else:
        form.initial["captcha_token"] = challenge.token
    return render(request, "portal/query.html", {"form": form, "challenge": challenge},
                  status=400 if form.is_bound else 200)


@login_not_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    check_id = request.session.get("portal_check")
    if check_id is None:
        return redirect("portal:query")
    form = SmsCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.phone_check_verify(check_id=check_id, sms_code=form.cleaned_data["sms_code"])
        except ValidationError as error:
            _errors_into(form, error)
        else:
            request.session.pop("portal_check", None)
            request.session.cycle_key()
            request.session["portal_verified"] = {"submission": submission.pk,
                                                  "until": (timezone.now() + VERIFIED_FOR).isoformat()}
            return redirect("portal:progress")
    sent = PhoneCheck.objects.filter(pk=check_id).values_list("sent_at", flat=True).first()
    return render(request, "portal/verify.html", {"form": form, "sent_at": sent},
                  status=400 if form.is_bound else 200)


def verified_submission(request: HttpRequest) -> PortalSubmission | None:
    """The one submission this browser proved it may see (query code + phone + SMS code), while still valid."""
    grant = request.session.get("portal_verified")
    if not grant or datetime.fromisoformat(grant["until"]) < timezone.now():
        request.session.pop("portal_verified", None)
        return None
    return (PortalSubmission.objects.filter(pk=grant["submission"])
            .select_related("petition__handling_org", "petition__review_org").first())


def _progress_page(request: HttpRequest, submission: PortalSubmission, *, evaluate_form=None, review_form=None,
                   re_review_form=None, status: int = 200) -> HttpResponse:
    progress = progress_of(submission=submission)
    if progress.review_window and review_form is None:
        review_form = ReviewForm(organs=progress.review_window.organs)
    if progress.re_review_window and re_review_form is None:
        re_review_form = ReviewForm(organs=progress.re_review_window.organs)
    return render(request, "portal/progress.html", {
        "progress": progress, "evaluate_form": evaluate_form or EvaluateForm(), "review_form": review_form,
        "re_review_form": re_review_form, "done": request.session.pop("portal_done", ""),
    }, status=status)


@login_not_required
def progress(request: HttpRequest) -> HttpResponse:
    submission = verified_submission(request)
    if submission is None:
        return redirect("portal:query")
    return _progress_page(request, submission)


@login_not_required
@require_POST
def evaluate(request: HttpRequest) -> HttpResponse:
    submission = verified_submission(request)
    if submission is None:
        return redirect("portal:query")
    form = EvaluateForm(request.POST)
    if form.is_valid():
        try:
            services.portal_evaluate(submission=submission, rating=form.cleaned_data["rating"],
                                     comment=form.cleaned_data["comment"])
        except ValidationError as error:  # a RuleViolation of the procedure too
            _errors_into(form, error)
        else:
            request.session["portal_done"] = "感谢您的评价，已记录为您本人的评价。"
            return redirect(reverse("portal:progress") + "#evaluation")
    return _progress_page(request, submission, evaluate_form=form, status=400)


@login_not_required
@require_POST
def request_review(request: HttpRequest, action: str) -> HttpResponse:
    submission = verified_submission(request)
    if submission is None:
        return redirect("portal:query")
    if action not in services.REQUESTS:
        raise Http404
    window = windows_of(submission=submission)[action]
    form = ReviewForm(request.POST, organs=window.organs if window else [])
    if form.is_valid() or window is None:
        try:
            services.portal_request_review(submission=submission, action=action,
                                           reviewing_org_id=form.cleaned_data.get("reviewing_org")
                                           if form.is_valid() else None)
        except ValidationError as error:  # a RuleViolation of the procedure too
            _errors_into(form, error)
        else:
            request.session["portal_done"] = f"您的{services.REQUESTS[action]}请求已提交，受理机关将依法答复。"
            return redirect("portal:progress")
    forms = {"review_form" if action == "request_review" else "re_review_form": form}
    return _progress_page(request, submission, status=400, **forms)


@login_not_required
def notice_download(request: HttpRequest, notice_id: int) -> HttpResponse:
    submission = verified_submission(request)
    if submission is None:
        return redirect("portal:query")
    # Only a notice of this matter: any other id is "not found", whoever's it is.
    notice = submission.petition.notices.filter(pk=notice_id, voided=False).first()
    if notice is None:
        raise Http404
    try:
        exported = notice_export(notice=notice, actor=services.portal_user_for(office=submission.petition.registering_org),
                                 fmt="docx")
    except NoticeVoided:
        raise Http404 from None
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exported.filename)}"
    return response
