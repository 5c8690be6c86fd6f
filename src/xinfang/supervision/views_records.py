"""Pages of 督办 and 三项建议: the list, the issue forms, the detail with the answer form and the close button.

Thin: parse, call a service or a selector, render. Records the user may not see are 404, as petitions are.
"""

from io import BytesIO

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.notices.documents import DOCX_CONTENT_TYPE, NoticeTemplateError
from xinfang.orgs.models import Org, Role
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision import services_records as services
from xinfang.supervision.forms_records import (
    ListFilterForm,
    NoteForm,
    RecommendationForm,
    ReplyForm,
    RespondForm,
    SupervisionForm,
)
from xinfang.supervision.letters import letter_filename
from xinfang.supervision.records import Recommendation, RecordStatus, Supervision
from xinfang.supervision.selectors_records import (
    STATES,
    RecordFilters,
    recommendation_get_for_user,
    recommendations_overdue,
    recommendations_visible_to,
    records_filter,
    records_target_orgs,
    supervision_counts_by_kind,
    supervision_get_for_user,
    supervisions_overdue,
    supervisions_visible_to,
)

PAGE_SIZE = 50


def _is_supervisor(user) -> bool:
    return user.org is not None and user.org.kind == Org.Kind.PETITION_OFFICE and user.has_role(Role.SUPERVISOR)


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)


def index(request: HttpRequest) -> HttpResponse:
    """/supervision/: the supervision pages and what is overdue."""
    user = request.user
    return render(request, "supervision/records/index.html", {
        "is_supervisor": _is_supervisor(user),
        "overdue_supervisions": supervisions_overdue(user=user).count(),
        "overdue_recommendations": recommendations_overdue(user=user).count(),
        "counts": [(Supervision.Kind(kind).label, n) for kind, n in supervision_counts_by_kind(user=user).items()],
    })


def record_list(request: HttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    kind_of_record = values.get("type") or "supervision"
    model = Recommendation if kind_of_record == "recommendation" else Supervision
    kind = values.get("kind") or ""
    if kind and kind not in model.Kind.values:
        kind = ""
    base = (recommendations_visible_to if model is Recommendation else supervisions_visible_to)(user=request.user)
    filters = RecordFilters(kind=kind, target_org_id=values.get("unit"), state=values.get("state") or "")
    today = timezone.localdate()
    queryset = records_filter(base, filters=filters, today=today)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(record, record.state(today), (record.due_on - today).days) for record in page.object_list]
    return render(request, "supervision/records/list.html", {
        "type": kind_of_record, "model_kinds": model.Kind.choices, "kind": kind, "state": filters.state,
        "unit": filters.target_org_id, "units": records_target_orgs(user=request.user), "states": STATES,
        "rows": rows, "page": page, "total": page.paginator.count, "is_supervisor": _is_supervisor(request.user),
        "answer_word": "答复" if model is Recommendation else "回复",
    })


def _issue(request: HttpRequest, *, form_class, template: str, build, issue, detail: str, initial=None,
           context=None):
    if not _is_supervisor(request.user):
        raise PermissionDenied("须由信访部门的督查督办员办理")
    form = form_class(request.POST or None, user=request.user, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            record = issue(data=build(form.cleaned_data), actor=request.user)
        except ValidationError as error:
            problems = _errors(error)
        else:
            messages.success(request, f"已签发 {record.number}")
            return redirect(detail, record.pk)
    return render(request, template, {"form": form, "problems": problems, **(context or {})})


def supervision_new(request: HttpRequest) -> HttpResponse:
    petition = None
    raw = request.POST.get("petition") or request.GET.get("petition")
    if raw and str(raw).isdigit():
        petition = petitions_visible_to(user=request.user).filter(pk=int(raw)).select_related("handling_org").first()
        if petition is None:
            raise Http404

    def build(cleaned) -> services.SupervisionInput:
        target = cleaned.get("target_org")
        return services.SupervisionInput(
            kind=cleaned["kind"], letter_kind=cleaned.get("letter_kind") or "",
            petition_id=petition.pk if petition else None, target_org_id=target.pk if target else None,
            subject=cleaned.get("subject") or "", requirements=cleaned.get("requirements") or "",
            issued_on=cleaned.get("issued_on"), due_on=cleaned.get("due_on"), due_days=cleaned.get("due_days"))

    initial = {"petition": petition.pk, "target_org": petition.handling_org_id} if petition else {}
    return _issue(request, form_class=SupervisionForm, template="supervision/records/supervision_form.html",
                  build=build, issue=services.supervision_issue, detail="supervision:supervision-detail",
                  initial=initial, context={"petition": petition})


def recommendation_new(request: HttpRequest) -> HttpResponse:
    def build(cleaned) -> services.RecommendationInput:
        numbers = cleaned.get("petition_numbers") or []
        found = dict(petitions_visible_to(user=request.user).filter(number__in=numbers).values_list("number", "pk"))
        missing = [number for number in numbers if number not in found]
        if missing:
            raise ValidationError({"petition_numbers": f"找不到信访件：{'、'.join(missing)}"})
        return services.RecommendationInput(
            kind=cleaned["kind"], target_org_id=cleaned["target_org"].pk, subject=cleaned["subject"],
            content=cleaned["content"], petition_ids=tuple(found[number] for number in numbers),
            issued_on=cleaned.get("issued_on"), due_on=cleaned.get("due_on"), due_days=cleaned.get("due_days"))

    return _issue(request, form_class=RecommendationForm, template="supervision/records/recommendation_form.html",
                  build=build, issue=services.recommendation_issue, detail="supervision:recommendation-detail")


def _supervision(request: HttpRequest, pk: int) -> Supervision:
    try:
        return supervision_get_for_user(user=request.user, supervision_id=pk)
    except Supervision.DoesNotExist:
        raise Http404 from None


def _recommendation(request: HttpRequest, pk: int) -> Recommendation:
    try:
        return recommendation_get_for_user(user=request.user, recommendation_id=pk)
    except Recommendation.DoesNotExist:
        raise Http404 from None


def _roles(request: HttpRequest, record) -> dict:
    user = request.user
    return {
        "can_answer": record.status == RecordStatus.OPEN and user.org_id == record.target_org_id
        and user.has_role(Role.HANDLING_ORG_HEAD),
        "can_close": record.status == RecordStatus.ANSWERED and user.org_id == record.office_id
        and _is_supervisor(user),
        "can_follow_up": record.status != RecordStatus.CLOSED and user.org_id == record.office_id
        and _is_supervisor(user),
        "state": record.state(timezone.localdate()),
        "states": STATES,
    }


def supervision_detail(request: HttpRequest, pk: int, *, form=None, problems=None) -> HttpResponse:
    record = _supervision(request, pk)
    petition: Petition | None = record.petition
    return render(request, "supervision/records/supervision_detail.html", {
        "record": record, "petition": petition, "form": form or RespondForm(), "note_form": NoteForm(),
        "problems": problems or [], **_roles(request, record)})


def recommendation_detail(request: HttpRequest, pk: int, *, form=None, problems=None) -> HttpResponse:
    record = _recommendation(request, pk)
    return render(request, "supervision/records/recommendation_detail.html", {
        "record": record, "petitions": list(record.petitions.all()), "form": form or ReplyForm(),
        "note_form": NoteForm(), "problems": problems or [], **_roles(request, record)})


def _act(request, pk, *, detail_view, detail_name, form, call) -> HttpResponse:
    if form is not None and not form.is_valid():
        return detail_view(request, pk, form=form, problems=["请检查填写的内容"])
    try:
        call(form.cleaned_data if form is not None else {})
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        return detail_view(request, pk, form=form, problems=_errors(error))
    else:
        messages.success(request, "已保存")
    return redirect(detail_name, pk)


@require_POST
def supervision_respond(request: HttpRequest, pk: int) -> HttpResponse:
    _supervision(request, pk)
    form = RespondForm(request.POST)
    return _act(request, pk, detail_view=supervision_detail, detail_name="supervision:supervision-detail", form=form,
                call=lambda cleaned: services.supervision_respond(
                    supervision_id=pk, response=cleaned["response"], responded_on=cleaned.get("responded_on"),
                    actor=request.user))


@require_POST
def supervision_close(request: HttpRequest, pk: int) -> HttpResponse:
    _supervision(request, pk)
    form = NoteForm(request.POST)
    return _act(request, pk, detail_view=supervision_detail, detail_name="supervision:supervision-detail",
                form=form, call=lambda cleaned: services.supervision_close(
                    supervision_id=pk, note=cleaned.get("note") or "", actor=request.user))


def supervision_letter(request: HttpRequest, pk: int) -> HttpResponse:
    record = _supervision(request, pk)
    if record.kind != Supervision.Kind.LETTER:
        raise Http404
    try:
        data = services.supervision_letter_export(supervision=record, actor=request.user)
    except NoticeTemplateError as error:
        messages.error(request, str(error))
        return redirect("supervision:supervision-detail", pk)
    return FileResponse(BytesIO(data), as_attachment=True, filename=letter_filename(supervision=record),
                        content_type=DOCX_CONTENT_TYPE)


@require_POST
def recommendation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    _recommendation(request, pk)
    form = ReplyForm(request.POST)
    return _act(request, pk, detail_view=recommendation_detail, detail_name="supervision:recommendation-detail",
                form=form, call=lambda cleaned: services.recommendation_reply(
                    recommendation_id=pk, adoption=cleaned["adoption"], reply=cleaned["reply"],
                    replied_on=cleaned.get("replied_on"), actor=request.user))


@require_POST
def recommendation_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    _recommendation(request, pk)
    form = NoteForm(request.POST)
    return _act(request, pk, detail_view=recommendation_detail, detail_name="supervision:recommendation-detail",
                form=form, call=lambda cleaned: services.recommendation_follow_up(
                    recommendation_id=pk, note=cleaned.get("note") or "", actor=request.user))


@require_POST
def recommendation_close(request: HttpRequest, pk: int) -> HttpResponse:
    _recommendation(request, pk)
    form = NoteForm(request.POST)
    return _act(request, pk, detail_view=recommendation_detail, detail_name="supervision:recommendation-detail",
                form=form, call=lambda cleaned: services.recommendation_close(
                    recommendation_id=pk, note=cleaned.get("note") or "", actor=request.user))

