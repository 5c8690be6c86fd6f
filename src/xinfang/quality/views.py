"""质量评查 pages: the results of a quarter (list and per-unit table), evaluating a case, one evaluation. Thin."""

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petition_get_for_user, petitions_visible_to
from xinfang.quality.config import quality_config
from xinfang.quality.exports import quality_workbook
from xinfang.quality.models import QualityEvaluation
from xinfang.quality.permissions import can_evaluate, can_read
from xinfang.quality.selectors import (
    QualityFilters,
    current_quarter,
    evaluation_get_for_user,
    evaluations_filtered,
    quality_filters_parse,
    unit_results,
)
from xinfang.quality.services import ItemInput, auto_suggestions, current_evaluation, quality_evaluate, quality_export_record
from xinfang.stats.selectors import scope_orgs

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_reader(request: HttpRequest) -> None:
    if not can_read(request.user):
        raise PermissionDenied("质量评查仅供信访部门审核员、督查督办员和领导干部使用")


def _filters(request: HttpRequest) -> tuple[QualityFilters, list[str]]:
    params = request.GET
    try:
        return quality_filters_parse(year=params.get("year", ""), quarter=params.get("quarter", ""),
                                     checklist=params.get("checklist", ""), unit=params.get("unit", ""),
                                     grade=params.get("grade", "")), []
    except ValidationError as error:
        problems = [message for values in error.message_dict.values() for message in values]
        return quality_filters_parse(), problems


def _list_url(filters: QualityFilters, **changes) -> str:
    return f"{reverse('quality:index')}?{urlencode(filters.as_params(**changes))}#evaluations"


def quality_index(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    filters, problems = _filters(request)
    evaluations = evaluations_filtered(user=request.user, filters=filters)
    page = Paginator(evaluations, PAGE_SIZE).get_page(request.GET.get("page"))
    config = quality_config()
    rows = [{"result": result,
             "url": _list_url(filters, unit=result.org_id, grade=""),
             "failed_url": _list_url(filters, unit=result.org_id, grade=config.failing)}
            for result in unit_results(user=request.user, filters=filters)]
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "quality/index.html", {
        "filters": filters, "problems": problems, "page": page, "rows": rows, "config": config,
        "units": scope_orgs(user=request.user).only("pk", "name", "path"),
        "years": range(today.year, today.year - 6, -1), "quarters": range(1, 5),
        "current": current_quarter(today), "can_evaluate": can_evaluate(request.user),
        "base_query": query.urlencode(),
        "export_url": f"{reverse('quality:export')}?{urlencode(filters.as_params())}",
    })


def quality_export(request: HttpRequest) -> FileResponse:
    _require_reader(request)
    filters, _ = _filters(request)
    stream = io.BytesIO()
    title = f"{filters.year}年第{filters.quarter}季度"
    rows = quality_workbook(title=title, evaluations=evaluations_filtered(user=request.user, filters=filters),
                            results=unit_results(user=request.user, filters=filters), out=stream)
    quality_export_record(actor=request.user, params=filters.as_params(), rows=rows)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, content_type=XLSX,
                        filename=f"quality-{filters.year}-q{filters.quarter}.xlsx")


def quality_find(request: HttpRequest) -> HttpResponse:
    """From a case number to its evaluation form (only a case the evaluator may see)."""
    if not can_evaluate(request.user):
        raise PermissionDenied("只有信访部门的审核员或督查督办员可以进行质量评查")
    number = request.GET.get("number", "").strip()
    petition = petitions_visible_to(user=request.user).filter(number=number).only("pk").first() if number else None
    if petition is None:
        messages.error(request, f"没有找到您可以查看的信访事项“{number}”")
        return redirect("quality:index")
    checklist = request.GET.get("checklist", "")
    url = reverse("quality:evaluate", kwargs={"petition_id": petition.pk})
    return redirect(f"{url}?{urlencode({'checklist': checklist})}" if checklist else url)


def _item_inputs(request: HttpRequest, keys: list[str]) -> dict[str, ItemInput]:
    inputs = {}
    for key in keys:
        raw = request.POST.get(f"earned-{key}", "").strip()
        try:
            earned = int(raw) if raw else None
        except ValueError:
            earned = -1  # refused by the service with the range it accepts
        inputs[key] = ItemInput(earned, request.POST.get(f"note-{key}", ""))
    return inputs


def quality_evaluate_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    if not can_evaluate(request.user):
        raise PermissionDenied("只有信访部门的审核员或督查督办员可以进行质量评查")
    try:
        petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    except Petition.DoesNotExist:
        raise Http404("没有这个信访事项") from None
    config = quality_config()
    spec = config.checklist(request.POST.get("checklist") or request.GET.get("checklist", "")) or config.checklists[0]
    current = current_evaluation(petition=petition, checklist=spec.key)
    errors: dict[str, list[str]] = {}
    values = {}
    if request.method == "POST":
        inputs = _item_inputs(request, [item.key for item in spec.items])
        supersedes = request.POST.get("supersedes", "")
        try:
            evaluation = quality_evaluate(
                petition_id=petition.pk, checklist=spec.key, actor=request.user, scores=inputs,
                supersedes_id=int(supersedes) if supersedes.isdigit() else None,
                comment=request.POST.get("comment", ""))
        except ValidationError as error:
            errors = error.message_dict
            values = {key: given for key, given in inputs.items()}
        else:
            messages.success(request, f"已保存{evaluation.checklist_name}：{evaluation.score}%，{evaluation.grade}")
            return redirect("quality:detail", evaluation_id=evaluation.pk)
    suggestions = auto_suggestions(petition=petition, checklist=spec)
    items = []
    for item in spec.items:
        suggestion = suggestions.get(item.key)
        suggested = None if suggestion is None else (item.points if suggestion.met else 0)
        given = values.get(item.key)
        items.append({"item": item, "suggestion": suggestion, "suggested": suggested,
                      "earned": given.earned if given and given.earned is not None and given.earned >= 0 else suggested,
                      # A suggestion below full points comes with its reason as the note, for the reviewer to keep or edit.
                      "note": given.note if given else (suggestion.reason_zh if suggestion and not suggestion.met else ""),
                      "errors": errors.get(item.key, [])})
    general = [message for key, messages_ in errors.items() if key not in {i.key for i in spec.items}
               for message in messages_]
    return render(request, "quality/evaluate.html", {
        "petition": petition, "spec": spec, "config": config, "items": items, "current": current,
        "errors": general, "comment": request.POST.get("comment", ""),
    })


def quality_detail(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    _require_reader(request)
    try:
        evaluation = evaluation_get_for_user(user=request.user, evaluation_id=evaluation_id)
    except QualityEvaluation.DoesNotExist:
        raise Http404("没有这条评查记录") from None
    history = (QualityEvaluation.objects.filter(petition=evaluation.petition, checklist=evaluation.checklist)
               .select_related("evaluator").order_by("-id"))
    return render(request, "quality/detail.html", {
        "evaluation": evaluation, "history": history, "can_evaluate": can_evaluate(request.user),
        "is_current": evaluation.is_current,
    })
