"""What the prevention pages share: service errors onto the form, the Excel response, the period."""

import tempfile
from datetime import date
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xinfang.exchange.importer import ImportFileError
from xinfang.prevention.forms import ImportForm
from xinfang.prevention.permissions import is_office_reviewer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def errors_onto(form: forms.Form, error: ValidationError) -> list[str]:
    """A service's refusal: each message on its field where the form has it; the rest as page problems."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    problems = []
    for key, texts in error.message_dict.items():
        for message in texts:
            if key in form.fields:
                form.add_error(key, message)
            else:
                problems.append(message)
    return problems


def xlsx_response(data: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def year_period(request) -> tuple[date, date, list[str]]:
    """The statistics period of ?start=&end= (default: this year), and the reasons a bad one was replaced."""
    from xinfang.stats.selectors import period_parse

    try:
        start, end = period_parse(start=request.GET.get("start", ""), end=request.GET.get("end", ""))
        return start, end, []
    except ValidationError as error:
        today = timezone.localdate()
        problems = [message for texts in error.message_dict.values() for message in texts]
        return date(today.year, 1, 1), date(today.year, 12, 31), problems


def import_page(request, *, run, title: str, list_url: str, layout: str = "docs/PREVENTION.md“导入格式”"):
    """The import page of a ledger: the office's reviewer uploads a sheet, `run(path=, actor=)` imports it.

    `layout` names where the sheet's columns are documented (each ledger's own docs/*.md section)."""
    if not is_office_reviewer(request.user):
        raise PermissionDenied("导入台账须由信访部门的审核员办理")
    form = ImportForm(request.POST or None, request.FILES or None)
    report, problems = None, []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(b"".join(upload.chunks()))
            try:
                report = run(path=path, actor=request.user)
            except ImportFileError as error:
                problems = list(error.messages)
    return render(request, "prevention/import.html", {
        "form": form, "report": report, "problems": problems, "title": title, "list_url": list_url,
        "layout": layout})


def save_form(request, form: forms.Form, save, *, detail: str):
    """Run `save(cleaned_data)` (a service) for a valid POST: (redirect to the record, []) or (None, problems)."""
    if request.method != "POST" or not form.is_valid():
        return None, []
    try:
        record = save(form.cleaned_data)
    except PermissionDenied as error:
        return None, [str(error)]
    except ValidationError as error:
        return None, errors_onto(form, error)
    messages.success(request, f"已保存 {record.number}")
    return redirect(detail, record.pk), []
