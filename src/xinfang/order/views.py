"""Pages of the restricted 违法信访行为 ledger. Thin: check, call a service or a selector, render.

Anyone not authorised gets 403 on every page (order.permissions); a record outside the reader's scope is 404.
Every read leaves an audit event (services.read_logged): list, search, detail, export, evidence, reveal.
"""

import io
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from xinfang.order import services
from xinfang.order.forms import EvidenceForm, IncidentEditForm, IncidentForm, MeasureForm, SearchForm
from xinfang.order.models import OrderEvidence, OrderIncident, OrderPerson
from xinfang.order.permissions import can_record, require_reader
from xinfang.order.selectors import incident_petitions, incidents_visible_to
from xinfang.order.sheets import incidents_export, incidents_import
from xinfang.petitions.attachments import attachment_read
from xinfang.petitions.services import UploadInput, can_reveal
from xinfang.prevention.services_common import history_for
from xinfang.prevention.views_common import PAGE_SIZE, errors_onto, import_page, save_form, xlsx_response


def _filtered(request: HttpRequest):
    form = SearchForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    queryset = incidents_visible_to(user=request.user).select_related("locality")
    text = (values.get("q") or "").strip()
    if text:
        queryset = queryset.filter(Q(number__icontains=text) | Q(place__icontains=text)
                                   | Q(description__icontains=text))
    if values.get("kind"):
        queryset = queryset.filter(kind=values["kind"])
    # The audit log keeps that a search was made, not its words (a name searched is personal data: SECURITY.md §4).
    return form, queryset, {"searched": bool(text), "kind": values.get("kind", "")}


def incident_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form, queryset, query = _filtered(request)
    page = Paginator(queryset.prefetch_related("persons", "measures"), PAGE_SIZE).get_page(request.GET.get("page"))
    services.read_logged(actor=request.user, what="list_read", rows=page.paginator.count, query=query,
                         page=page.number)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "order/list.html", {"form": form, "page": page, "query": params.urlencode(),
                                               "can_record": can_record(request.user)})


def _visible(request: HttpRequest, pk: int) -> OrderIncident:
    require_reader(request.user)
    incident = incidents_visible_to(user=request.user).select_related("locality", "recording_org").filter(pk=pk).first()
    if incident is None:
        raise Http404("没有这条记录")
    return incident


def _detail(request: HttpRequest, incident: OrderIncident, *, measure_form=None, evidence_form=None,
            problems=(), revealed=None) -> HttpResponse:
    services.read_logged(actor=request.user, what="detail_read", target=incident)
    return render(request, "order/detail.html", {
        "incident": incident, "persons": incident.persons.select_related("petitioner"),
        "measures": incident.measures.select_related("person", "organ"),
        "petitions": incident_petitions(incident=incident, user=request.user),
        "evidence": incident.evidence.all(), "history": history_for(ledger=services.LEDGER, record_id=incident.pk),
        "can_record": can_record(request.user), "can_reveal": can_reveal(actor=request.user),
        "measure_form": measure_form or MeasureForm(user=request.user, incident=incident),
        "evidence_form": evidence_form or EvidenceForm(), "problems": problems, "revealed": revealed})


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request, pk))


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person row of the figures' drill-down opens the incident."""
    require_reader(request.user)
    person = OrderPerson.objects.filter(pk=pk, incident__in=incidents_visible_to(user=request.user)).first()
    if person is None:
        raise Http404("没有这条记录")
    return redirect("order:incident-detail", person.incident_id)


def _measure_input(data) -> services.MeasureInput:
    return services.MeasureInput(kind=data.get("measure_kind") or "", taken_on=data.get("taken_on"),
                                 organ_id=data["organ"].pk if data.get("organ") else None,
                                 organ_name=data.get("organ_name") or "",
                                 document_number=data.get("document_number") or "")


def _names(text: str) -> list[str]:
    return [name for name in re.split(r"[、,，;；\s]+", text or "") if name]


def incident_create(request: HttpRequest) -> HttpResponse:
    services.require_recorder(request.user)
    form = IncidentForm(request.POST or None, user=request.user)

    def save(data):
        names = _names(data["person_name"])
        measures = [_measure_input(data)] if data.get("measure_kind") else []
        return services.incident_create(actor=request.user, data=services.IncidentInput(
            occurred_on=data["occurred_on"], place=data["place"], kind=data["kind"],
            description=data["description"], locality_id=data["locality"].pk,
            persons=[services.PersonInput(name=name) for name in names], measures=measures,
            petition_numbers=[n for n in re.split(r"[\s,，、]+", data.get("petition_numbers") or "") if n]))

    response, problems = save_form(request, form, save, detail="order:incident-detail")
    if response is not None:
        return response
    return render(request, "order/form.html", {"form": form, "problems": problems})


def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The facts and persons of a recorded incident, with the version read (a stale form is refused)."""
    incident = _visible(request, pk)
    services.require_recorder(request.user)  # a 领导干部 reads the record, but does not edit it
    initial = {"version": incident.version, "occurred_on": incident.occurred_on, "place": incident.place,
               "kind": incident.kind, "description": incident.description, "locality": incident.locality_id}
    form = IncidentEditForm(request.POST or None, user=request.user, incident=incident, initial=initial)

    def save(data):
        return services.incident_update(
            incident_id=incident.pk, actor=request.user, expected_version=data["version"],
            data=services.IncidentChange(
                occurred_on=data["occurred_on"], place=data["place"], kind=data["kind"],
                description=data["description"], locality_id=data["locality"].pk,
                add_persons=[services.PersonInput(name=name) for name in _names(data.get("add_persons"))],
                remove_person_ids=[int(pk) for pk in data.get("remove_persons") or []]))

    response, problems = save_form(request, form, save, detail="order:incident-detail")
    if response is not None:
        return response
    # The form shows the record's text: a read, logged like the record's page.
    services.read_logged(actor=request.user, what="detail_read", target=incident, page="edit")
    return render(request, "order/form.html", {"form": form, "problems": problems, "incident": incident,
                                               "heading": f"修改违法信访行为 {incident.number}"})


@require_POST
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _visible(request, pk)
    form = MeasureForm(request.POST, user=request.user, incident=incident)
    problems: list[str] = []
    if form.is_valid():
        try:
            services.measure_add(incident_id=incident.pk, person_id=int(form.cleaned_data["person"]),
                                 data=_measure_input(form.cleaned_data), actor=request.user)
        except PermissionDenied as error:
            problems = [str(error)]
        except ValidationError as error:
            problems = errors_onto(form, error)
        else:
            messages.success(request, "已增加处置措施")
            return redirect("order:incident-detail", incident.pk)
    return _detail(request, incident, measure_form=form, problems=problems)


@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _visible(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.evidence_add(incident_id=incident.pk, actor=request.user,
                                  upload=UploadInput(name=upload.name, data=b"".join(upload.chunks())))
        except PermissionDenied as error:
            problems = [str(error)]
        except ValidationError as error:
            problems = errors_onto(form, error)
        else:
            messages.success(request, "已上传证据材料")
            return redirect("order:incident-detail", incident.pk)
    return _detail(request, incident, evidence_form=form, problems=problems)


def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    incident = _visible(request, pk)
    evidence = get_object_or_404(OrderEvidence, pk=evidence_id, incident=incident)
    services.read_logged(actor=request.user, what="evidence_read", target=incident, evidence=evidence.pk)
    response = HttpResponse(attachment_read(evidence), content_type=evidence.content_type)
    response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def person_reveal(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    """The full name, as petitions reveal a petitioner: the roles of petitions.services.can_reveal, a reason, logged."""
    incident = _visible(request, pk)
    person = get_object_or_404(OrderPerson, pk=person_id, incident=incident)
    reason = (request.POST.get("reason") or "").strip()
    if not can_reveal(actor=request.user):
        raise PermissionDenied("当前角色不能查看完整个人信息")
    if not reason:
        return _detail(request, incident, problems=["查看完整姓名须填写理由"])
    services.read_logged(actor=request.user, what="person_reveal", target=incident, person=person.pk,
                         reason=reason[:200])
    return _detail(request, incident, revealed=person)


def incident_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    _, queryset, query = _filtered(request)
    out = io.BytesIO()
    rows = incidents_export(queryset=queryset, out=out)
    services.read_logged(actor=request.user, what="export", rows=rows, query=query)
    return xlsx_response(out.getvalue(), filename="%E8%BF%9D%E6%B3%95%E4%BF%A1%E8%AE%BF%E8%A1%8C%E4%B8%BA.xlsx")


def incident_import(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    return import_page(request, run=incidents_import, title="导入违法信访行为台账", list_url="order:incidents",
                       layout="docs/ORDER.md“Excel”")
