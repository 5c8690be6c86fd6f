"""The JSON API under /api/v1: thin handlers over the same services and selectors as the UI."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from ninja.security import HttpBearer

from xinfang.api.schemas import MAX_SEARCH_TEXT, DbId, ErrorOut, PetitionIn, PetitionOut, PetitionPage
from xinfang.api.services import api_token_user
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.validators import MAX_DB_ID
from xinfang.petitions.selectors import (
    PetitionFilters,
    petition_get_for_user,
    petitions_filter,
    petitions_page,
    petitions_visible_to,
)
from xinfang.petitions.services import PetitionerInput, PetitionInput, petition_register
from xinfang.workflow.exceptions import StaleVersion
from xinfang.workflow.selectors import DEADLINE_FILTERS, petitions_by_deadline
from xinfang.workflow.services import actions_allowed, petition_act


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_user(token=token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="法治信访 Xinfang API",
    version="1",
    description="Register and read petitions (信访事项). Authenticate with `Authorization: Bearer <token>`; "
    "create a token with `xinfang token create --user NAME`.",
    auth=BearerToken(),
    urls_namespace="api-v1",
)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "validation failed", "errors": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def _schema_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        location = ".".join(str(part) for part in item.get("loc", ()) if part not in ("body", "payload", "query"))
        errors.setdefault(location or "__all__", []).append(item.get("msg", "invalid"))
    return api.create_response(request, {"detail": "validation failed", "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "permission denied"}, status=403)


@api.exception_handler(Petition.DoesNotExist)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "petition not found"}, status=404)


def _org_ref(org):
    return {"id": org.pk, "name": org.name} if org is not None else None


def _petition_out(petition: Petition) -> dict:
    return {
        "id": petition.pk,
        "number": petition.number,
        "channel": petition.channel,
        "received_at": petition.received_at,
        "registering_org": _org_ref(petition.registering_org),
        "summary": petition.summary,
        "content": petition.content,
        "demands": petition.demands,
        "category": petition.category.code,
        "category_name": str(petition.category),
        "petition_type": petition.petition_type,
        "locality": _org_ref(petition.locality),
        "complained_org": _org_ref(petition.complained_org),
        "amount_involved": petition.amount_involved,
        "hot_topics": [topic.code for topic in petition.hot_topics.all()],
        "litigation_related": petition.litigation_related,
        "urgency": petition.urgency,
        "person_times": petition.person_times,
        "is_group_visit": petition.is_group_visit,
        "status": petition.status,
        "handling_org": _org_ref(petition.handling_org),
        "outcome": petition.outcome,
        "version": petition.version,
        "petitioners": [
            {
                "kind": party.petitioner.kind,
                "name": party.petitioner.masked_name,
                "id_number": party.petitioner.masked_id_number,
                "phone": party.petitioner.masked_phone,
                "is_representative": party.is_representative,
            }
            for party in petition.parties.all()
        ],
    }


@api.post(
    "/petitions",
    response={201: PetitionOut, 200: PetitionOut, 403: ErrorOut, 422: ErrorOut},
    summary="Register a petition",
    description="Send an `Idempotency-Key` header to make retries safe: a repeated key returns the "
    "petition first registered with it (status 200) instead of registering another.",
)
def petition_create(request: HttpRequest, payload: PetitionIn):
    category = Category.objects.filter(code=payload.category, is_active=True).first()
    if category is None:
        raise ValidationError({"category": [f"unknown or inactive category code {payload.category!r}"]})
    data = PetitionInput(
        channel=payload.channel,
        received_at=payload.received_at,
        summary=payload.summary,
        content=payload.content,
        demands=payload.demands,
        category_id=category.pk,
        petition_type=payload.petition_type,
        locality_id=payload.locality,
        complained_org_id=payload.complained_org,
        amount_involved=payload.amount_involved,
        hot_topic_codes=payload.hot_topics,
        litigation_related=payload.litigation_related,
        urgency=payload.urgency,
        person_times=payload.person_times,
        source_reference=payload.source_reference,
        petitioners=[PetitionerInput(**p.dict()) for p in payload.petitioners],
    )
    petition, created = petition_register(
        data=data, actor=request.user, idempotency_key=request.headers.get("Idempotency-Key")
    )
    petition = petition_get_for_user(user=request.user, petition_id=petition.pk)
    return Status(201 if created else 200, _petition_out(petition))


@api.get("/petitions/{number}", response={200: PetitionOut, 404: ErrorOut}, summary="Get a petition by number")
def petition_detail(request: HttpRequest, number: str = Path(..., max_length=40)):
    petition_id = (
        petitions_visible_to(user=request.user).filter(number=number).values_list("id", flat=True).first()
    )
    if petition_id is None:
        raise Http404
    return _petition_out(petition_get_for_user(user=request.user, petition_id=petition_id))


class PetitionListQuery(Schema):
    channel: str = ""
    petition_type: str = ""
    category: str = ""
    locality: DbId | None = None
    status: str = ""
    group_visit: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str = Field("", max_length=MAX_SEARCH_TEXT, description="number, ID number, phone, full name or keyword")
    deadline: str = Field("", description="approaching | overdue | seriously_overdue (running statutory deadlines)")
    cursor: str | None = Field(None, max_length=200)
    limit: int = 50


@api.get("/petitions", response={200: PetitionPage, 422: ErrorOut}, summary="List petitions, newest first")
def petition_list(request: HttpRequest, params: Query[PetitionListQuery]):
    if not 1 <= params.limit <= 200:
        raise ValidationError({"limit": ["limit must be between 1 and 200"]})
    category_id = None
    if params.category:
        category_id = Category.objects.filter(code=params.category).values_list("id", flat=True).first()
        if category_id is None:
            raise ValidationError({"category": [f"unknown category code {params.category!r}"]})
    filters = PetitionFilters(
        channel=params.channel, petition_type=params.petition_type, category_id=category_id,
        locality_id=params.locality, status=params.status, group_visit=params.group_visit,
        received_from=params.received_from, received_to=params.received_to, text=params.q,
    )
    queryset = petitions_filter(queryset=petitions_visible_to(user=request.user), filters=filters)
    if params.deadline:
        if params.deadline not in DEADLINE_FILTERS:
            raise ValidationError({"deadline": [f"deadline must be one of {', '.join(DEADLINE_FILTERS)}"]})
        queryset = petitions_by_deadline(queryset=queryset, level=params.deadline, today=timezone.localdate())
    try:
        page = petitions_page(queryset=queryset, cursor=params.cursor, size=params.limit, with_parties=False)
    except (ValueError, OverflowError):
        raise ValidationError({"cursor": ["malformed cursor"]}) from None
    items = [
        {
            "id": p.pk, "number": p.number, "channel": p.channel, "received_at": p.received_at,
            "summary": p.summary, "category": p.category.code, "petition_type": p.petition_type,
            "locality": _org_ref(p.locality), "person_times": p.person_times,
            "is_group_visit": p.is_group_visit, "status": p.status,
        }
        for p in page.rows
    ]
    return {"items": items, "next_cursor": page.next_cursor}


# A petition's id in a path: positive and within BIGINT, else 422 (never an overflow in the database).
PETITION_ID = Path(..., ge=1, le=MAX_DB_ID)


class ActionIn(Schema):
    values: dict = {}
    acted_on: date | None = None
    expected_version: int | None = Field(None, ge=1, le=2**31 - 1)


class ActionOut(Schema):
    action: str
    label: str
    article: str
    fields: list[str]
    optional_fields: list[str]


@api.get("/petitions/{petition_id}/actions", response={200: list[ActionOut], 404: ErrorOut},
         summary="The procedural actions this user may take on the petition now")
def petition_actions(request: HttpRequest, petition_id: int = PETITION_ID):
    petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    return [{"action": rule.action, "label": rule.label, "article": rule.article, "fields": list(rule.fields),
             "optional_fields": list(rule.optional_fields)}
            for rule in actions_allowed(petition=petition, actor=request.user)]


@api.post("/petitions/{petition_id}/actions/{action}",
          response={200: PetitionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
          summary="Apply a rule of the procedure (forward, accept, reply, deliver, request_review, …)",
          description="Refused with 422 naming the rule and its article when the rules do not allow it; "
          "409 when `expected_version` is stale (someone acted on the petition since it was read).")
def petition_action(request: HttpRequest, payload: ActionIn, petition_id: int = PETITION_ID,
                    action: str = Path(..., max_length=40)):
    petition_act(petition_id=petition_id, action=action, actor=request.user, values=payload.values,
                 acted_on=payload.acted_on, expected_version=payload.expected_version)
    return _petition_out(petition_get_for_user(user=request.user, petition_id=petition_id))


@api.exception_handler(StaleVersion)
def _stale(request, exc: StaleVersion):
    return api.create_response(request, {"detail": exc.messages[0]}, status=409)
api.add_router("/matching", "xinfang.matching.api.router")  # repeat candidates and links (matching app)
