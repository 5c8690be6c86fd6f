"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the petitions, for 12345 hotlines and city
service systems: services are the active problem categories, a service request is a petition registered on the
channel 12345转办, its `service_request_id` the petition's number.

- `api_key` (query or form field) is an API token of this system (`xinfang token create`): reads need its
  `read` scope, a new request `register`; the request is registered by the token's user, in the user's scope.
- The required attributes of every service (`attribute[locality]`, the 行政区划代码 of the township or village
  concerned; `attribute[petition_type]`; `attribute[work_order]`, the hotline's 工单编号, kept as 来源编号) are
  declared in each service definition; first_name/last_name/phone name the petitioner (masked in every answer).
- Status: `closed` once the matter is decided and delivered, not accepted, redirected or final; else `open`.
- Extension (as in the Chicago/Bloomington servers): `extensions=true` adds `extended_attributes` — the
  matter's status in Chinese and its history (steps and dates, no content) — and `updated_after`/`updated_before`
  filter by the last change.
Errors are GeoReport's list of `{"code", "description"}` with the HTTP status.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import NinjaAPI
from ninja.security import APIKeyQuery

from xinfang.api.models import Scope
from xinfang.api.services import api_token_check, require_scope
from xinfang.matching.selectors import history_for
from xinfang.orgs.models import Org
from xinfang.petitions.models import Category, Channel, Petition, PetitionStatus, PetitionType
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services import PetitionerInput, PetitionInput, petition_register

S = PetitionStatus
CLOSED = (S.REJECTED, S.REDIRECTED, S.DELIVERED, S.CLOSED, S.REVIEWED, S.FINAL)
MAX_REQUESTS = 1000  # GeoReport's default page: the newest first
ATTRIBUTES = (
    {"variable": True, "code": "locality", "datatype": "string", "required": True, "order": 1,
     "datatype_description": "问题属地的行政区划代码（乡镇街道或村社区）", "description": "问题属地"},
    {"variable": True, "code": "petition_type", "datatype": "singlevaluelist", "required": True, "order": 2,
     "description": "信访事项类别", "values": [{"key": value, "name": label} for value, label in PetitionType.choices]},
    {"variable": True, "code": "work_order", "datatype": "string", "required": True, "order": 3,
     "description": "12345工单编号", "datatype_description": "来源系统的工单编号，作为来源编号保存"},
)


class ApiKey(APIKeyQuery):
    """`api_key` in the query string or (for a new request) the form body; the token's scopes apply."""

    param_name = "api_key"

    def _get_key(self, request: HttpRequest):
        return request.GET.get(self.param_name) or request.POST.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        grant = api_token_check(token=key or "")
        if grant is None:
            return None
        request.user = grant.user
        require_scope(grant.scopes, Scope.READ if request.method == "GET" else Scope.REGISTER)
        return grant.user


open311 = NinjaAPI(title="Xinfang Open311 GeoReport v2", version="2", urls_namespace="open311", auth=ApiKey(),
                   docs_url=None, description=__doc__)


def _errors(status: int, problems: list[tuple[int | str, str]]) -> JsonResponse:
    return JsonResponse([{"code": code, "description": text} for code, text in problems], status=status, safe=False)


@open311.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("request", exc.messages)]
    return _errors(400, [(field, message) for field, messages in items for message in messages])


@open311.exception_handler(PermissionDenied)
def _denied(request, exc: PermissionDenied):
    return _errors(403, [(403, str(exc))])


@open311.exception_handler(Petition.DoesNotExist)
def _missing(request, exc):
    return _errors(404, [(404, "no such service request")])


def _service(category: Category) -> dict:
    return {"service_code": category.code, "service_name": category.name,
            "description": f"{category.parent.name} · {category.name}" if category.parent_id else category.name,
            "metadata": True, "type": "batch", "keywords": "", "group": category.parent.name if category.parent_id
            else category.name}


@open311.get("/discovery.json", auth=None, summary="Endpoints and formats")
def discovery(request: HttpRequest):
    return {"changeset": "2026-12-02", "contact": "the county's petition office",
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": request.build_absolute_uri(
                "/open311/v2/"), "changeset": "2026-12-02", "type": "production", "formats": ["application/json"]}]}


@open311.get("/services.json", summary="The services: active problem categories")
def services(request: HttpRequest):
    categories = Category.objects.filter(is_active=True).select_related("parent").order_by("code")
    return [_service(category) for category in categories]


@open311.get("/services/{service_code}.json", summary="A service's definition: the attributes a request needs")
def service_definition(request: HttpRequest, service_code: str):
    if not Category.objects.filter(code=service_code[:20], is_active=True).exists():
        return _errors(404, [(404, f"no active service {service_code[:20]!r}")])
    return {"service_code": service_code, "attributes": list(ATTRIBUTES)}


def _request_out(petition: Petition, *, user, extensions: bool, updated: datetime | None) -> dict:
    row = {
        "service_request_id": petition.number, "status": "closed" if petition.status in CLOSED else "open",
        "status_notes": petition.get_status_display(), "service_name": petition.category.name,
        "service_code": petition.category.code, "description": petition.summary,
        "agency_responsible": (petition.handling_org or petition.registering_org).name,
        "service_notice": "", "requested_datetime": petition.received_at.isoformat(),
        "updated_datetime": (updated or petition.received_at).isoformat(), "expected_datetime": None,
        "address": petition.locality.name, "address_id": petition.locality.region_code, "zipcode": None,
        "lat": None, "long": None, "media_url": None,
    }
    if extensions:
        events = history_for(user=user, events=list(petition.events.order_by("occurred_at", "id")))
        row["extended_attributes"] = {
            "xinfang_status": petition.status, "work_order": petition.source_reference,
            "notes": [{"datetime": event.occurred_at.isoformat(), "summary": event.label} for event in events]}
    return row


def _requests(user, queryset, *, extensions: bool) -> list[dict]:
    rows = queryset.select_related("category", "handling_org", "registering_org", "locality").annotate(
        updated=Max("events__occurred_at"))
    return [_request_out(petition, user=user, extensions=extensions, updated=petition.updated) for petition in rows]


def _moment(name: str, value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        raise ValidationError({name: [f"not a W3C datetime: {value[:40]!r}"]})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@open311.get("/requests.json", summary="Service requests: by id, or filtered (newest first, at most 1000)")
def requests_list(request: HttpRequest, service_request_id: str = "", service_code: str = "", status: str = "",
                  start_date: str = "", end_date: str = "", updated_after: str = "", updated_before: str = "",
                  extensions: bool = False):
    queryset = petitions_visible_to(user=request.user).filter(channel=Channel.HOTLINE_TRANSFER)
    if service_request_id:
        queryset = queryset.filter(number__in=[value.strip() for value in service_request_id.split(",")[:100]])
    if service_code:
        queryset = queryset.filter(category__code__in=service_code.split(",")[:50])
    if status:
        if status not in ("open", "closed"):
            raise ValidationError({"status": ["status is open or closed"]})
        queryset = queryset.filter(status__in=CLOSED) if status == "closed" else queryset.exclude(status__in=CLOSED)
    if start_date:
        queryset = queryset.filter(received_at__gte=_moment("start_date", start_date))
    if end_date:
        queryset = queryset.filter(received_at__lte=_moment("end_date", end_date))
    if updated_after or updated_before:
        queryset = queryset.annotate(last_change=Max("events__occurred_at"))
        if updated_after:
            queryset = queryset.filter(last_change__gt=_moment("updated_after", updated_after))
        if updated_before:
            queryset = queryset.filter(last_change__lt=_moment("updated_before", updated_before))
    return _requests(request.user, queryset.order_by("-received_at", "-id")[:MAX_REQUESTS], extensions=extensions)


@open311.get("/requests/{service_request_id}.json", summary="One service request")
def request_detail(request: HttpRequest, service_request_id: str, extensions: bool = False):
    queryset = petitions_visible_to(user=request.user).filter(number=service_request_id[:40],
                                                              channel=Channel.HOTLINE_TRANSFER)
    rows = _requests(request.user, queryset, extensions=extensions)
    if not rows:
        raise Petition.DoesNotExist
    return rows


def _attribute(request: HttpRequest, code: str) -> str:
    return request.POST.get(f"attribute[{code}]", "").strip()


@open311.post("/requests.json", summary="Register a new service request (a 12345 work order) as a petition")
def request_create(request: HttpRequest):
    form = request.POST
    problems: dict[str, list[str]] = {}
    category = Category.objects.filter(code=form.get("service_code", "")[:20], is_active=True).first()
    if category is None:
        problems["service_code"] = [f"no active service {form.get('service_code', '')[:20]!r}"]
    for attribute in ATTRIBUTES:
        if attribute["required"] and not _attribute(request, attribute["code"]):
            problems[f"attribute[{attribute['code']}]"] = [f"required: {attribute['description']}"]
    locality = Org.objects.filter(region_code=_attribute(request, "locality")[:12]).first()
    if _attribute(request, "locality") and locality is None:
        problems["attribute[locality]"] = [f"no org with 行政区划代码 {_attribute(request, 'locality')[:12]!r}"]
    if len(_attribute(request, "work_order")) > 50:
        problems["attribute[work_order]"] = ["at most 50 characters"]
    petition_type = _attribute(request, "petition_type")
    if petition_type and petition_type not in PetitionType.values:
        problems["attribute[petition_type]"] = [f"one of {', '.join(PetitionType.values)}"]
    description = form.get("description", "").strip()
    if not description:
        problems["description"] = ["a description of the matter is needed"]
    name = (form.get("last_name", "") + form.get("first_name", "")).strip()
    if not name:
        problems["first_name"] = ["the petitioner's name (last_name, first_name) is needed"]
    if problems:
        raise ValidationError(problems)
    received = form.get("requested_datetime", "")
    data = PetitionInput(
        channel=Channel.HOTLINE_TRANSFER, received_at=_moment("requested_datetime", received) if received
        else timezone.now(), summary=description[:100], content=description, category_id=category.pk,
        petition_type=petition_type, locality_id=locality.pk, source_reference=_attribute(request, "work_order"),
        petitioners=[PetitionerInput(name=name, phone=form.get("phone", "").strip())])
    petition, _ = petition_register(data=data, actor=request.user,
                                    idempotency_key="open311:" + _attribute(request, "work_order"))
    return [{"service_request_id": petition.number, "service_notice": "已登记，将依照《信访工作条例》办理",
             "account_id": form.get("account_id") or None}]
