"""Pages: the reports list and generation, a report (draft with its narratives), editing a narrative, the
核对 page, and the downloads (.docx, .pdf, .xlsx)."""

from urllib.parse import quote


from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.orgs.models import Org
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.prevention.views_common import errors_onto
from xinfang.reports import permissions
from xinfang.reports.charts import render_png
from xinfang.reports.content import STRUCTURES
from xinfang.reports.documents import (
    DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE, ReportTemplateError, render_docx, render_pdf, render_xlsx,
    report_filename)
from xinfang.reports.forms import GenerateForm, NarrativeForm
from xinfang.reports.models import Report
from xinfang.reports.selectors import report_history, report_sections, reports_visible_to
from xinfang.reports.services import narrative_save, period_for, report_generate

PDF_CONTENT_TYPE = "application/pdf"


def _offices(user):
    offices = Org.objects.filter(Q(kind=Org.Kind.PETITION_OFFICE) | Q(children__isnull=False)).distinct()
    scope = user_scope_org_ids(user=user)
    return (offices if scope is None else offices.filter(pk__in=scope)).order_by("path")


def _report(request: HttpRequest, pk: int) -> Report:
    permissions.require_read(request.user)
    return get_object_or_404(reports_visible_to(user=request.user), pk=pk)


def report_list(request: HttpRequest) -> HttpResponse:
    permissions.require_read(request.user)
    can_write = permissions.can_write(request.user)
    form = None
    if can_write:
        offices = _offices(request.user)
        form = GenerateForm(request.POST or None, offices=offices,
                            initial={"year": timezone.localdate().year - 1,
                                     "office": request.user.org_id if offices.filter(pk=request.user.org_id) else None})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                period = period_for(kind=data["kind"], year=data["year"], period=data["period"])
                report = report_generate(actor=request.user, kind=data["kind"], office=data["office"],
                                         start=period.start, end=period.end)
            except ValidationError as error:
                for message in errors_onto(form, error):
                    form.add_error(None, message)
            else:
                messages.success(request, f"已生成“{report.title}”")
                return redirect("reports:detail", report.pk)
    elif request.method == "POST":
        raise PermissionDenied("生成报告须由统计员或信访部门审核员办理")
    return render(request, "reports/list.html", {"reports": reports_visible_to(user=request.user), "form": form,
                                                 "can_write": can_write})


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(request, "reports/detail.html", {
        "report": report, "sections": report_sections(report), "can_write": permissions.can_write(request.user),
        "periodic": report.kind in (Report.Kind.MONTHLY, Report.Kind.QUARTERLY)})


@require_POST
def report_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    report_generate(actor=request.user, kind=report.kind, office=report.office, start=report.start, end=report.end)
    messages.success(request, "已按最新数据重新生成；文字段落保持不变")
    return redirect("reports:detail", report.pk)


def _section_item(report: Report, section: str):
    item = next((item for item in report_sections(report) if item.draft.section.slug == section), None)
    if item is None:
        raise Http404("报告没有这一章节")
    return item


def _section_fragment(request: HttpRequest, report: Report, section: str, *, saved: bool = False) -> HttpResponse:
    return render(request, "reports/partials/section.html", {
        "report": report, "item": _section_item(report, section), "can_write": permissions.can_write(request.user),
        "saved": saved})


def report_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """One section of the draft (htmx: the editor's 取消); without htmx, the draft at that section."""
    report = _report(request, pk)
    if not request.htmx:
        return redirect(f"{reverse('reports:detail', args=[report.pk])}#section-{section}")
    return _section_fragment(request, report, section)


def narrative_edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """Edit one section's paragraph: in place on the draft with htmx (the form replaces the section, saving swaps
    the section back), or as a page of its own without JavaScript. Every save is a version."""
    report = _report(request, pk)
    # Checked here, not only by the template's link: an htmx request renders a fragment, no page around it.
    permissions.require_write(request.user, report.office)
    found = next((item for item in STRUCTURES[report.kind] if item.slug == section), None)
    if found is None:
        raise Http404("报告没有这一章节")
    history = report_history(report, section)
    current = history.first()
    # Ids per section: two sections' editors may be open on one page.
    form = NarrativeForm(request.POST or None, initial={"text": current.text if current else ""},
                         auto_id=f"id_{section}_%s")
    if request.method == "POST" and form.is_valid():
        try:
            narrative_save(actor=request.user, report=report, section=section, text=form.cleaned_data["text"])
        except ValidationError as error:
            for message in errors_onto(form, error):
                form.add_error(None, message)
        else:
            if request.htmx:
                return _section_fragment(request, report, section, saved=True)
            messages.success(request, "文字段落已保存")
            return redirect(f"{reverse('reports:detail', args=[report.pk])}#section-{section}")
    if request.htmx:  # the form in place of the section; a refused save comes back with its message (200: swapped)
        return render(request, "reports/partials/section_form.html", {
            "report": report, "item": _section_item(report, section), "form": form, "versions": history.count()})
    return render(request, "reports/narrative.html", {"report": report, "section": found, "form": form,
                                                      "history": history})


def report_check(request: HttpRequest, pk: int) -> HttpResponse:
    """核对: every figure the draft cites, with definition, period rule and drill-down; what is not connected."""
    report = _report(request, pk)
    rows, missing = [], []
    for item in report_sections(report):
        for key in item.draft.keys:
            rows.append({"section": item.draft.section.heading or "开头段", "figure": report.figures[key]})
        for sentence in item.draft.missing:
            absent = [key for key in sentence.keys if key not in report.figures]
            missing.append({"section": item.draft.section.heading, "label": sentence.label, "keys": absent})
    return render(request, "reports/check.html", {"report": report, "rows": rows, "missing": missing})


def report_chart(request: HttpRequest, pk: int, chart: str) -> HttpResponse:
    """One chart of the draft as a PNG, served from a URL (the CSP's img-src allows 'self', not data:)."""
    report = _report(request, pk)
    found = next((item for section in report_sections(report) for item in section.draft.charts if item.slug == chart),
                 None)
    if found is None:
        raise Http404("报告没有这张图表")
    response = HttpResponse(render_png(found), content_type="image/png")
    response["Cache-Control"] = "private, no-cache"  # the figures change on regeneration
    return response


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = _report(request, pk)
    try:
        if fmt == "docx":
            return _download(render_docx(report), DOCX_CONTENT_TYPE, report_filename(report, "docx"))
        if fmt == "pdf":
            data = render_pdf(report)
            if data is None:
                messages.error(request, "本机未安装 LibreOffice 或转换失败，请下载 Word 版")
                return redirect("reports:detail", report.pk)
            return _download(data, PDF_CONTENT_TYPE, report_filename(report, "pdf"))
        if fmt == "xlsx":
            return _download(render_xlsx(report), XLSX_CONTENT_TYPE, report_filename(report, "xlsx"))
    except ReportTemplateError as error:
        messages.error(request, str(error))
        return redirect("reports:detail", report.pk)
    raise Http404("没有这种格式")
