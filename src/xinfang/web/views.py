"""Staff pages: thin views that parse input, call a service or selector, and render."""

import codecs
import tempfile
import uuid
from datetime import datetime
from pathlib import Path, PurePath
from urllib.parse import urlencode

import filetype

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from xinfang.exchange.export import petitions_export, write_template
from xinfang.exchange.importer import MODES
from xinfang.exchange.jobs import import_job_progress, import_job_submit
from xinfang.exchange.models import ImportJob
from xinfang.matching.models import RepeatIntent
from xinfang.notifications.consent import sms_consents_record_at_registration
from xinfang.notifications.forms import registration_consents
from xinfang.petitions.models import Attachment, Channel, Petition
from xinfang.petitions.reveal_approvals import needs_approval
from xinfang.prevention.views_backlog import petition_backlog_context
from xinfang.prevention.views_referrals import petition_referral_context
from xinfang.petitions.selectors import (
    PetitionFilters,
    petition_get_for_user,
    petitions_filter,
    petitions_of_identity,
    petitions_page,
    petitions_visible_to,
)
from xinfang.matching.selectors import history_for
from xinfang.petitions.services import (
    REGISTER_ROLES,
    PetitionerInput,
    PetitionInput,
    PossibleDuplicate,
    UploadInput,
    can_reveal,
    petition_register,
    petitioners_clean,
)
from xinfang.petitions.validators import validate_id_number, validate_phone
from xinfang.receptions.services import reception_link_registered
from xinfang.supervision.case_panel import supervision_panel
from xinfang.supervision.views_instructions import instruction_panel
from xinfang.web import searches
from xinfang.web.action_forms import action_form_class, form_values
from xinfang.web.outcomes import case_outcomes
from xinfang.workflow.clocks import clock_state
from xinfang.workflow.rules import RULES_BY_ACTION
from xinfang.workflow.selectors import petitions_by_deadline, with_running_clocks
from xinfang.workflow.services import (
    CORRECTOR_ROLES,
    actions_allowed,
    last_correctable_event,
    petition_act,
    petition_correct,
    taken_values,
)
from xinfang.web.unit_work import unit_work_context
from xinfang.web.forms import PetitionerFormSet, PetitionFilterForm, PetitionForm, RevealForm

PAGE_SIZE = 30


class XinfangLoginView(LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


xinfang_login = login_not_required(XinfangLoginView.as_view())


def home(request: HttpRequest) -> HttpResponse:
    return redirect("petition-list")


def _list_filters(form: PetitionFilterForm) -> tuple[PetitionFilters, str]:
    """The case list's filters (and deadline level) from its form; none when the form is invalid."""
    if not form.is_valid():
        return PetitionFilters(), ""
    data = form.cleaned_data
    group = data["group_visit"]
    filters = PetitionFilters(
        text=data["q"], channel=data["channel"], petition_type=data["petition_type"],
        category_id=data["category"].pk if data["category"] else None,
        group_visit=None if group == "" else group == "1",
        received_from=data["received_from"], received_to=data["received_to"],
    )
    return filters, data["deadline"]


@require_http_methods(["GET", "POST"])
def petition_list(request: HttpRequest) -> HttpResponse:
    """The case list. Searches are POSTed and redirected, so a full ID number or phone never stays in the URL."""
    if request.method == "POST" or searches.identity_in(request.GET.get("q", "")):
        # An old link or bookmark with ?q=<ID number> is moved out of the URL (and audited) the same way.
        query = searches.list_redirect_query(request, request.POST if request.method == "POST" else request.GET)
        return redirect(reverse("petition-list") + (f"?{query}" if query else ""))
    filter_query, search_lost = searches.list_query(request)
    if search_lost:
        messages.info(request, "该搜索已过期，请重新输入搜索内容")
    form = PetitionFilterForm(filter_query or None)
    filters, deadline = _list_filters(form)
    queryset = petitions_filter(queryset=petitions_visible_to(user=request.user), filters=filters)
    today = timezone.localdate()
    if deadline:
        queryset = petitions_by_deadline(queryset=queryset, level=deadline, today=today)
    queryset = with_running_clocks(queryset)
    try:
        page = petitions_page(queryset=queryset, cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    except (ValueError, OverflowError):
        page = petitions_page(queryset=queryset, cursor=None, size=PAGE_SIZE)
    for petition in page.rows:
        nearest = petition.running_clocks[0] if petition.running_clocks else None
        petition.nearest_deadline = clock_state(clock=nearest, today=today) if nearest else None
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "web/petition_list.html", {
        "form": form, "page": page, "base_query": query.urlencode(),
        "is_first_page": not request.GET.get("cursor"),
        "can_register": request.user.is_superuser or request.user.has_role(*REGISTER_ROLES),
    })


def _apply_errors(error: ValidationError, form: PetitionForm, formset) -> None:
    """Put the service's field errors on the form fields or petitioner rows they name."""
    field_map = {"category_id": "category", "locality_id": "locality", "complained_org_id": "complained_org",
                 "hot_topic_codes": "hot_topics"}
    for key, messages_ in error.message_dict.items():
        if key.startswith("petitioners."):
            _, index, field = key.split(".", 2)
            # Rows were compacted (blank ones skipped), so map back to the row the clerk filled in.
            row = formset.filled_rows[int(index)]
            for message in messages_:
                formset.forms[row].add_error(field, message)
            continue
        name = field_map.get(key, key)
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


def _petitioner_inputs(formset) -> list[PetitionerInput]:
    """Filled rows only; remember which row each came from, to put errors back on it."""
    formset.filled_rows = [i for i, f in enumerate(formset.forms) if f.has_changed() and not f.is_blank()]
    fields = ("kind", "name", "id_number", "phone", "address", "is_representative")
    return [PetitionerInput(**{k: formset.forms[i].cleaned_data[k] for k in fields}) for i in formset.filled_rows]


def _register_initial(request: HttpRequest) -> dict:
    """A fresh form's initial values; after 保存并登记下一件, the channel and received date of the one just saved.

    The received time is kept when the date is an earlier day (letters of one day entered later), else it is now.
    """
    initial = {"idempotency_key": uuid.uuid4().hex}
    channel = request.GET.get("channel", "")
    if channel in Channel.values:
        initial["channel"] = channel
    kept = request.GET.get("received_at", "")
    try:
        received = datetime.strptime(kept, "%Y-%m-%dT%H:%M")
    except ValueError:
        received = None
    if received is not None and received.date() < timezone.localdate():
        initial["received_at"] = received.strftime("%Y-%m-%dT%H:%M")
    reception = request.GET.get("reception", "")
    if reception.isdigit() and len(reception) <= 18:  # registered from a 领导接访 record (receptions app)
        initial["reception"] = int(reception)
    return initial


def _same_registration(petition: Petition, data: dict) -> bool:
    """Whether a consumed idempotency key came back with the petition it saved (else the form was edited)."""
    return (" ".join(petition.summary.split()) == " ".join(data["summary"].split())
            and " ".join(petition.content.split()) == " ".join(data["content"].split()))


@require_http_methods(["GET", "POST"])
def petition_register_view(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_superuser or request.user.has_role(*REGISTER_ROLES)):
        raise Http404
    duplicates = []
    if request.method == "POST":
        form = PetitionForm(request.POST, request.FILES, user=request.user)
        formset = PetitionerFormSet(request.POST, prefix="petitioners")
        form_valid, formset_valid = form.is_valid(), formset.is_valid()
        petitioners = _petitioner_inputs(formset) if formset_valid else []
        if not form_valid and formset_valid:
            # Show the petitioners' problems (ID numbers, phones) together with the form's own.
            try:
                petitioners_clean(petitioners=petitioners, channel=request.POST.get("channel", ""))
            except ValidationError as error:
                _apply_errors(error, form, formset)
        if form_valid and formset_valid:
            data = form.cleaned_data
            uploads = [UploadInput(name=f.name, data=f.read()) for f in data["attachments"]]
            petition_input = PetitionInput(
                channel=data["channel"], received_at=data["received_at"], summary=data["summary"],
                content=data["content"], demands=data["demands"], category_id=data["category"].pk,
                petition_type=data["petition_type"], locality_id=data["locality"].pk,
                complained_org_id=data["complained_org"].pk if data["complained_org"] else None,
                amount_involved=data["amount_involved"],
                hot_topic_codes=[topic.code for topic in data["hot_topics"]],
                litigation_related=data["litigation_related"], urgency=data["urgency"],
                person_times=data["person_times"], source_reference=data["source_reference"],
                petitioners=petitioners, attachments=uploads,
                # "确认为重复信访" (matching app) already says: a new 重件 of an earlier matter, seen and meant.
                confirm_not_duplicate=data["confirm_not_duplicate"] or RepeatIntent.objects.filter(
                    user=request.user, idempotency_key=data["idempotency_key"]).exists(),
            )
            try:
                with transaction.atomic():  # the consents to SMS are recorded with the registration, or neither
                    petition, created = petition_register(
                        data=petition_input, actor=request.user, idempotency_key=data["idempotency_key"],
                        question_duplicates=True,
                    )
                    if created:
                        sms_consents_record_at_registration(petition=petition, methods=registration_consents(formset),
                                                            actor=request.user)
                        if data.get("reception"):  # the reception it was registered at, or no registration
                            reception_link_registered(reception_id=data["reception"], petition=petition,
                                                      actor=request.user)
            except PossibleDuplicate as error:
                duplicates = error.earlier
                _apply_errors(error, form, formset)
            except ValidationError as error:
                _apply_errors(error, form, formset)
            else:
                if not created and not _same_registration(petition, data):
                    # Back, then the form edited into another matter: its key was spent on the first one. Keep
                    # what was typed, with a fresh key; the duplicate question still applies to it.
                    resubmitted = request.POST.copy()
                    resubmitted["idempotency_key"] = uuid.uuid4().hex
                    form = PetitionForm(resubmitted, user=request.user)
                    messages.warning(request, f"此表单已保存为 {petition.number}，您修改后的内容尚未登记："
                                              "请核对后再次保存（附件需重新选择）")
                    return render(request, "web/petition_register.html",
                                  {"form": form, "formset": formset, "duplicates": []})
                if created:
                    messages.success(request, f"已登记：{petition.number}（{petition.person_times}人次）")
                else:
                    messages.info(request, f"该件已登记为 {petition.number}，未重复登记")
                if request.POST.get("next") == "1":
                    query = urlencode({"channel": data["channel"], "received_at": timezone.localtime(
                        data["received_at"]).strftime("%Y-%m-%dT%H:%M"),
                        **({"reception": data["reception"]} if data.get("reception") else {})})
                    return redirect(reverse("petition-register") + "?" + query)
                return redirect("petition-detail", petition_id=petition.pk)
        if duplicates:
            messages.warning(request, "登记未保存：可能是重复登记，请核对")
        else:
            messages.error(request, "登记未保存：请按提示修改标红的项目")
    else:
        form = PetitionForm(user=request.user, initial=_register_initial(request))
        formset = PetitionerFormSet(prefix="petitioners")
    return render(request, "web/petition_register.html",
                  {"form": form, "formset": formset, "duplicates": duplicates})


def _visible_petition(request: HttpRequest, petition_id: int) -> Petition:
    try:
        return petition_get_for_user(user=request.user, petition_id=petition_id)
    except Petition.DoesNotExist:
        raise Http404 from None


def petition_detail(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = _visible_petition(request, petition_id)
    events = history_for(user=request.user,
                         events=list(petition.events.select_related("actor", "actor_org").order_by("occurred_at", "id")))
    today = timezone.localdate()
    clocks = [clock_state(clock=clock, today=today)
              for clock in petition.clocks.filter(voided=False).select_related("org").order_by("started_on", "id")]
    user = request.user
    correctable = (last_correctable_event(petition=petition)
                   if user.is_superuser or user.has_role(*CORRECTOR_ROLES) else None)
    return render(request, "web/petition_detail.html", {
        "petition": petition, "events": events, "reveal_form": RevealForm(), "clocks": clocks,
        "can_reveal": can_reveal(actor=user),
        "needs_approval": needs_approval(petition),  # an accuser: shown only with a second official's approval
        "actions": actions_allowed(petition=petition, actor=request.user),
        "notices": petition.notices.order_by("issued_at", "id"), "correctable": correctable,
        "outcomes": case_outcomes(petition=petition, events=events),
        "instruction_panel": instruction_panel(user=user, petition=petition),  # 领导批示
        "supervision_panel": supervision_panel(user=user, petition=petition),  # 督办
        **unit_work_context(petition=petition, user=user),
        **petition_backlog_context(petition=petition, user=user),  # 积案 of its matter, 反流 (prevention)
        **petition_referral_context(petition=petition, user=user),  # 访调对接 (prevention)
    })


@require_POST
def petition_correct_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = _visible_petition(request, petition_id)
    try:
        petition_correct(petition_id=petition.pk, actor=request.user, reason=request.POST.get("reason", ""),
                         expected_version=int(request.POST.get("expected_version") or 0) or None)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, "未能更正：" + "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "已更正上一步办理操作")
    return redirect("petition-detail", petition_id=petition.pk)


@require_http_methods(["GET", "POST"])
def petition_action(request: HttpRequest, petition_id: int, action: str) -> HttpResponse:
    """htmx: the form of one procedural action (GET), or applying it (POST)."""
    petition = _visible_petition(request, petition_id)
    rule = RULES_BY_ACTION.get(action)
    if rule is None:
        raise Http404
    form_class = action_form_class(rule=rule, petition=petition, user=request.user)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                petition_act(petition_id=petition.pk, action=action, actor=request.user,
                             values=form_values(form.cleaned_data),
                             expected_version=form.cleaned_data["expected_version"],
                             acted_on=form.cleaned_data["acted_on"])
            except PermissionDenied as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                for key, messages_ in (error.message_dict.items() if hasattr(error, "error_dict")
                                       else [(None, error.messages)]):
                    for message in messages_:
                        form.add_error(key if key in form.fields else None, message)
            else:
                messages.success(request, f"已{rule.label}（{rule.article}）")
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("petition-detail", args=[petition.pk])
                return response
    else:
        initial = {"expected_version": petition.version}
        if rule.takes_values_of:  # the head signs the handler's draft: the form shows it, to amend or keep
            initial |= taken_values(petition=petition, rule=rule)
        form = form_class(initial=initial)
    return render(request, "web/partials/action_form.html", {"petition": petition, "rule": rule, "form": form})


@require_POST
def identity_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: earlier petitions of the ID number or phone just typed (exact match), or why it is invalid.

    POST, so the number stays out of URLs and logs; only a complete, valid number is looked up, and each
    look-up is audited (searches.identity_search_audit).
    """
    id_number = next((v for k, v in request.POST.items() if k.endswith("id_number") and v.strip()), "")
    phone = next((v for k, v in request.POST.items() if k.endswith("phone") and v.strip()), "")
    problem = ""
    if id_number:
        try:
            id_number = validate_id_number(id_number)
        except ValidationError as error:
            problem = error.messages[0]
            id_number = ""
    if phone:
        try:
            phone = validate_phone(phone)
        except ValidationError:
            phone = ""  # still being typed: nothing to look up yet
    for kind, value in (("id_number", id_number), ("phone", phone)):
        if value:
            searches.identity_search_audit(actor=request.user, identity=searches.Identity(kind=kind, value=value),
                                           via="identity-lookup")
    petitions = petitions_of_identity(user=request.user, id_number=id_number, phone=phone)
    return render(request, "web/partials/identity_lookup.html", {
        "petitions": petitions, "problem": problem, "searched": bool(id_number or phone),
    })


def attachment_download(request: HttpRequest, petition_id: int, attachment_id: int) -> HttpResponse:
    # Imported here so the at-rest encryption stays one self-contained change to this view (docs/SECURITY.md).
    import logging
    from io import BytesIO

    from xinfang.petitions.attachments import AttachmentTampered, attachment_read

    if not petitions_visible_to(user=request.user).filter(pk=petition_id).exists():
        raise Http404
    attachment = get_object_or_404(Attachment, pk=attachment_id, petition_id=petition_id)
    try:
        data = attachment_read(attachment)  # stored encrypted; checked against the row's SHA-256
    except AttachmentTampered:
        logging.getLogger(__name__).error("attachment %s: stored file does not match its row", attachment.pk)
        return HttpResponse("附件文件校验失败（存储的文件与登记记录不符），已拒绝下载，请联系系统管理员。",
                            status=409, content_type="text/plain; charset=utf-8")
    return FileResponse(BytesIO(data), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


def notice_download(request: HttpRequest, petition_id: int, notice_id: int, fmt: str) -> HttpResponse:
    """A notice as .docx or .pdf; it names the petitioner in full, so notice_export audits every download."""
    # Imported here so this view stays one self-contained addition (docs/NOTICES.md).
    from io import BytesIO

    from xinfang.notices.documents import NoticeTemplateError
    from xinfang.notices.services import NOTICE_FORMATS, NoticeVoided, notice_export
    from xinfang.workflow.models import Notice

    if fmt not in NOTICE_FORMATS:
        raise Http404
    petition = _visible_petition(request, petition_id)
    try:
        notice = petition.notices.select_related("issuing_org").get(pk=notice_id)
    except Notice.DoesNotExist:
        raise Http404 from None
    try:
        document = notice_export(notice=notice, actor=request.user, fmt=fmt)
    except NoticeTemplateError as error:
        messages.error(request, f"{error}。请联系管理员修正文书模板。")
        return redirect("petition-detail", petition.pk)
    except NoticeVoided as error:
        messages.error(request, str(error))
        return redirect("petition-detail", petition.pk)
    if document is None:
        messages.warning(request, "暂时无法生成PDF，请下载Word文档（.docx）。")
        return redirect("petition-detail", petition.pk)
    return FileResponse(BytesIO(document.content), as_attachment=True, filename=document.filename,
                        content_type=document.content_type)


def petition_export_view(request: HttpRequest) -> FileResponse:
    """The case list's current filters as an xlsx download: masked, in the user's scope, audited.

    `?layout=office`: the office export (readable names, key dates, deadline state); else the exchange format.
    """
    filter_query, _ = searches.list_query(request)  # the list's filters, a kept ID/phone search included
    office = filter_query.pop("layout", [""])[-1] == "office"
    filters, deadline = _list_filters(PetitionFilterForm(filter_query or None))
    # openpyxl writes a zip, which needs a seekable file; the temporary file goes away when closed.
    stream = tempfile.TemporaryFile()
    petitions_export(out=stream, fmt="office" if office else "xlsx", user=request.user, filters=filters,
                     deadline=deadline, channel="web")
    stream.seek(0)
    filename = f"信访事项{'（办公）' if office else '（交换格式）'}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(stream, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- 导入 (docs/IMPORT.md, "上传页面"): upload a file, import it in the background, poll, show the report --

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_EXTENSIONS = ("xlsx", "csv", "jsonl")
# Larger than an attachment: a 100,000-row export is tens of MB. Django spools uploads over 5 MB to disk.
IMPORT_MAX_BYTES = 200 * 1024 * 1024
IMPORT_MODE_LABELS = {"all_or_nothing": "全部成功才导入", "good_rows": "只导入正确的行"}
IMPORT_JOBS_SHOWN = 20


def _can_import(user) -> bool:
    """As import_records requires: a superuser (who acts for each record's office; no org of their own needed)."""
    return bool(user.is_authenticated and user.is_superuser)


def _check_import_upload(upload) -> str:
    """The upload's extension if its content matches it; ValidationError (Chinese) otherwise. Reads by chunks."""
    name = upload.name or ""
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in IMPORT_EXTENSIONS:
        raise ValidationError(f"不支持的文件类型：“{name}”（可导入 .xlsx、.csv、.jsonl 文件）")
    if upload.size > IMPORT_MAX_BYTES:
        raise ValidationError(f"文件“{name}”大小为 {upload.size / 1048576:.1f} MB，"
                              f"超过上限 {IMPORT_MAX_BYTES / 1048576:.0f} MB；请分批导入或使用命令行 xinfang import")
    if not upload.size:
        raise ValidationError(f"文件“{name}”是空文件")
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if extension == "xlsx":
        if kind is None or kind.mime != XLSX_TYPE:
            found = kind.mime if kind else "未知内容"
            raise ValidationError(f"文件“{name}”的实际内容（{found}）不是Excel（.xlsx）工作簿，已拒绝")
        return extension
    if kind is not None:
        raise ValidationError(f"文件“{name}”的实际内容（{kind.mime}）不是文本文件，已拒绝")
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                raise UnicodeDecodeError("utf-8", chunk, 0, 1, "NUL")
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ValidationError(f"文件“{name}”不是UTF-8编码的文本，已拒绝（CSV请另存为“CSV UTF-8”）") from None
    return extension


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """GET: the upload form and past jobs. POST: check the file by content, queue the job, go to its page."""
    if not _can_import(request.user):
        raise Http404
    context = {"modes": IMPORT_MODE_LABELS, "mode": "all_or_nothing", "dry_run": False,
               "max_mb": IMPORT_MAX_BYTES // 1048576,
               "jobs": ImportJob.objects.select_related("created_by")[:IMPORT_JOBS_SHOWN]}
    if request.method == "GET":
        return render(request, "web/import_form.html", context)
    mode = request.POST.get("mode", "all_or_nothing")
    dry_run = request.POST.get("dry_run") == "1"
    context.update(mode=mode if mode in MODES else "all_or_nothing", dry_run=dry_run)
    upload = request.FILES.get("file")
    try:
        if mode not in MODES:
            raise ValidationError("请选择导入方式")
        if upload is None:
            raise ValidationError("请选择要导入的文件")
        extension = _check_import_upload(upload)
        with tempfile.TemporaryDirectory(prefix="xinfang-import-") as folder:
            # Keep the uploaded name (it goes into the audit event), made safe for the file system.
            try:
                stem = get_valid_filename(PurePath(upload.name).stem)
            except SuspiciousFileOperation:
                stem = "upload"
            path = Path(folder) / f"{stem}.{extension}"
            with open(path, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            job = import_job_submit(actor=request.user, path=path, file_name=path.name, mode=mode, dry_run=dry_run)
    except ValidationError as error:
        messages.error(request, "未导入任何数据：" + "；".join(error.messages))
        return render(request, "web/import_form.html", context)
    return redirect("import-job", job_id=job.pk)


def _import_job(request: HttpRequest, job_id: int) -> ImportJob:
    if not _can_import(request.user):
        raise Http404
    return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id)


def _import_job_context(job: ImportJob) -> dict:
    return {"job": job, "progress": import_job_progress(job=job), "mode_label": IMPORT_MODE_LABELS.get(job.mode, job.mode),
            "written": job.status == ImportJob.Status.DONE and not job.dry_run and not job.rolled_back
            and job.created > 0,
            "errors": [{"row": row, "column": column, "message": message} for row, column, message in job.errors]}


def import_job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job: its progress bar while it runs (polled by htmx), then its report."""
    job = _import_job(request, job_id)
    return render(request, "web/import_report.html", _import_job_context(job))


def import_job_progress_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress bar alone, polled every second; once the job ends, htmx reloads the page (the report)."""
    job = _import_job(request, job_id)
    if job.finished and request.headers.get("HX-Request"):
        return HttpResponseClientRefresh()
    return render(request, "web/partials/import_progress.html", _import_job_context(job))


def import_template_view(request: HttpRequest) -> FileResponse:
    """The empty import template (headers, 代码表, one 示例 row) as an xlsx download."""
    if not _can_import(request.user):
        raise Http404
    stream = tempfile.TemporaryFile()
    write_template(out=stream)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, filename="信访事项导入模板.xlsx", content_type=XLSX_TYPE)
