"""Pages of 普法宣传: activities (with materials), the stock, training sessions, law exams; Excel in and out.

Thin: parse, call a service or a selector, render. A record outside the reader's scope is 404.
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from xinfang.prevention.services_common import export_record, history_for
from xinfang.prevention.views_common import PAGE_SIZE, errors_onto, import_page, save_form, xlsx_response
from xinfang.publicity import services
from xinfang.publicity.forms import ActivityEntryForm, ExamForm, ReceiptForm, TrainingForm
from xinfang.publicity.models import HISTORY_ACTIVITY, HISTORY_EXAM, HISTORY_TRAINING
from xinfang.publicity.permissions import can_record, is_office_reviewer, require_reader
from xinfang.publicity.selectors import (
    activities_visible_to,
    exams_visible_to,
    material_lines_visible_to,
    stock_table,
    text_filter,
    trainings_visible_to,
)
from xinfang.publicity.sheets import (
    activities_export,
    activities_import,
    exams_export,
    exams_import,
    trainings_export,
    trainings_import,
)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _one(queryset, pk: int, what: str):
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404(f"{what}不存在或不在本单位范围内")
    return record


def _recorder(request, what: str) -> None:
    if not can_record(request.user):
        raise PermissionDenied(f"{what}须由信访部门或镇街、部门的工作人员办理；领导干部、统计员只能查看")


def _form_page(request, form, *, record, create, update, detail: str, what: str) -> HttpResponse:
    """The create/edit page of a record: `create(cleaned)` or `update(cleaned, expected_version)` (services)."""
    def save(cleaned):
        if record is None:
            return create(cleaned)
        return update(cleaned, cleaned.get("version"))

    done, problems = save_form(request, form, save, detail=detail)
    if done:
        return done
    heading = f"修改{what} {record.number}" if record else f"登记{what}"
    return render(request, "prevention/form.html", {"form": form, "problems": problems, "heading": heading})


# --- 活动 --------------------------------------------------------------------------------------------


def _activities(request):
    return text_filter(activities_visible_to(user=request.user).select_related("form", "organiser"),
                       (request.GET.get("q") or "").strip()[:50], "topic", "place", "number")


def activity_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    queryset = _activities(request).annotate(handed=Sum("materials__quantity")).order_by("-held_on", "-id")
    return render(request, "publicity/activity_list.html", {
        "page": _page(request, queryset), "q": request.GET.get("q", ""), "tab": "activities",
        "can_record": can_record(request.user), "can_import": is_office_reviewer(request.user)})


def _activity_input(form: ActivityEntryForm) -> services.ActivityInput:
    cleaned = form.cleaned_data
    return services.ActivityInput(
        held_on=cleaned["held_on"], form_id=cleaned["form"].pk, topic=cleaned["topic"], place=cleaned["place"],
        organiser_id=cleaned["organiser"].pk, person_times=cleaned["person_times"],
        audience=cleaned.get("audience") or "", note=cleaned.get("note") or "", materials=form.materials())


def activity_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _recorder(request, "登记普法宣传活动")
    activity = _one(activities_visible_to(user=request.user), pk, "宣传活动") if pk else None
    initial = {"organiser": request.user.org_id}
    if activity is not None:
        initial = {"version": activity.version, "held_on": activity.held_on, "form": activity.form_id,
                   "topic": activity.topic, "place": activity.place, "organiser": activity.organiser_id,
                   "audience": activity.audience, "person_times": activity.person_times, "note": activity.note,
                   **{f"material_{kind_id}": n for kind_id, n in activity.materials.values_list("kind_id", "quantity")}}
    form = ActivityEntryForm(request.POST or None, user=request.user, initial=initial)
    return _form_page(
        request, form, record=activity, detail="publicity:activity-detail", what="普法宣传活动",
        create=lambda cleaned: services.activity_create(data=_activity_input(form), actor=request.user),
        update=lambda cleaned, version: services.activity_update(
            activity_id=activity.pk, data=_activity_input(form), actor=request.user, expected_version=version))


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _one(activities_visible_to(user=request.user).select_related("form", "organiser", "recorded_by"),
                    pk, "宣传活动")
    return render(request, "publicity/activity_detail.html", {
        "activity": activity, "lines": activity.materials.select_related("kind"),
        "history": history_for(ledger=HISTORY_ACTIVITY, record_id=activity.pk), "can_record": can_record(request.user)})


def activity_line(request: HttpRequest, pk: int) -> HttpResponse:
    """A material line of the drill-down: its activity's page."""
    line = get_object_or_404(material_lines_visible_to(user=request.user), pk=pk)
    return redirect("publicity:activity-detail", line.activity_id)


def _export(request: HttpRequest, *, write, queryset, what: str, filename: str) -> HttpResponse:
    """An Excel of the rows the reader sees (`write(queryset=, out=)`, sheets.py), its rows and filters audited."""
    stream = io.BytesIO()
    rows = write(queryset=queryset, out=stream)
    export_record(actor=request.user, what=what, rows=rows, query=request.GET.urlencode())
    return xlsx_response(stream.getvalue(), filename=filename)


def activity_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    return _export(request, write=activities_export, queryset=_activities(request), what="publicity_activity",
                   filename="publicity-activities.xlsx")


def activity_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, run=activities_import, title="导入普法宣传活动", list_url="publicity:activities",
                       layout="docs/PUBLICITY.md“Excel（活动）”")


# --- 资料库存 ----------------------------------------------------------------------------------------


def stock(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form = ReceiptForm(request.POST or None, user=request.user) if can_record(request.user) else None
    problems = []
    if request.method == "POST":
        _recorder(request, "登记宣传资料入库")
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                services.receipt_create(kind_id=cleaned["kind"].pk, org_id=cleaned["org"].pk,
                                        received_on=cleaned["received_on"], quantity=cleaned["quantity"],
                                        source=cleaned.get("source") or "", actor=request.user)
            except ValidationError as error:
                problems = errors_onto(form, error)
            else:
                messages.success(request, "已登记入库")
                return redirect("publicity:stock")
    return render(request, "publicity/stock.html", {"rows": stock_table(), "form": form, "problems": problems,
                                                    "tab": "stock"})


# --- 培训 --------------------------------------------------------------------------------------------


def training_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    queryset = trainings_visible_to(user=request.user).select_related("organiser")
    return render(request, "publicity/training_list.html", {
        "page": _page(request, queryset), "tab": "trainings", "can_record": can_record(request.user),
        "can_import": is_office_reviewer(request.user)})


def training_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _recorder(request, "登记培训")
    session = _one(trainings_visible_to(user=request.user), pk, "培训") if pk else None
    initial = {"organiser": request.user.org_id}
    if session is not None:
        initial = {"version": session.version, "held_on": session.held_on, "topic": session.topic,
                   "trainer": session.trainer, "organiser": session.organiser_id, "attendees": session.attendees,
                   "hours": session.hours, "attendee_users": list(session.attendee_users.values_list("pk", flat=True))}
    form = TrainingForm(request.POST or None, user=request.user, initial=initial)
    return _form_page(
        request, form, record=session, detail="publicity:training-detail", what="培训",
        create=lambda cleaned: services.training_create(data=_training_input(cleaned), actor=request.user),
        update=lambda cleaned, version: services.training_update(
            session_id=session.pk, data=_training_input(cleaned), actor=request.user, expected_version=version))


def training_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    return _export(request, write=trainings_export, queryset=trainings_visible_to(user=request.user),
                   what="publicity_training", filename="publicity-trainings.xlsx")


def training_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, run=trainings_import, title="导入培训", list_url="publicity:trainings",
                       layout="docs/PUBLICITY.md“Excel（培训、考试）”")


def _training_input(cleaned) -> services.TrainingInput:
    return services.TrainingInput(
        held_on=cleaned["held_on"], topic=cleaned["topic"], trainer=cleaned["trainer"],
        organiser_id=cleaned["organiser"].pk, attendees=cleaned["attendees"], hours=cleaned["hours"],
        attendee_ids=tuple(user.pk for user in cleaned.get("attendee_users") or []))


def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _one(trainings_visible_to(user=request.user).select_related("organiser"), pk, "培训")
    return render(request, "publicity/training_detail.html", {
        "session": session, "users": session.attendee_users.order_by("username"),
        "history": history_for(ledger=HISTORY_TRAINING, record_id=session.pk), "can_record": can_record(request.user)})


# --- 考试 --------------------------------------------------------------------------------------------


def exam_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    queryset = exams_visible_to(user=request.user).select_related("organiser")
    return render(request, "publicity/exam_list.html", {
        "page": _page(request, queryset), "tab": "exams", "can_record": can_record(request.user),
        "can_import": is_office_reviewer(request.user)})


def exam_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _recorder(request, "登记学法考试")
    exam = _one(exams_visible_to(user=request.user), pk, "考试") if pk else None
    initial = {"organiser": request.user.org_id}
    if exam is not None:
        initial = {"version": exam.version, "held_on": exam.held_on, "title": exam.title,
                   "organiser": exam.organiser_id, "invited": exam.invited, "participants": exam.participants,
                   "passes": exam.passes}
    form = ExamForm(request.POST or None, user=request.user, initial=initial)
    return _form_page(
        request, form, record=exam, detail="publicity:exam-detail", what="学法考试",
        create=lambda cleaned: services.exam_create(data=_exam_input(cleaned), actor=request.user),
        update=lambda cleaned, version: services.exam_update(
            exam_id=exam.pk, data=_exam_input(cleaned), actor=request.user, expected_version=version))


def exam_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    return _export(request, write=exams_export, queryset=exams_visible_to(user=request.user),
                   what="publicity_exam", filename="publicity-exams.xlsx")


def exam_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, run=exams_import, title="导入学法考试", list_url="publicity:exams",
                       layout="docs/PUBLICITY.md“Excel（培训、考试）”")


def _exam_input(cleaned) -> services.ExamInput:
    return services.ExamInput(held_on=cleaned["held_on"], title=cleaned["title"], organiser_id=cleaned["organiser"].pk,
                              invited=cleaned["invited"], participants=cleaned["participants"],
                              passes=cleaned["passes"])


def exam_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exam = _one(exams_visible_to(user=request.user).select_related("organiser"), pk, "考试")
    return render(request, "publicity/exam_detail.html", {
        "exam": exam, "history": history_for(ledger=HISTORY_EXAM, record_id=exam.pk),
        "can_record": can_record(request.user)})


