"""The JSON API under /api/v1: thin handlers over the same services and selectors as the UI."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from ninja.security import HttpBearer

from xinfang.api.schemas import MAX_SEARCH_TEXT, DbId, ErrorOut, PetitionIn, PetitionOut, PetitionPage
from xinfang.api.models import Scope
from xinfang.api.services import api_token_check, require_scope
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
from xinfang.workflow.services import actions_allowed, petition_act, petition_correct


def required_scope(request: HttpRequest) -> str:
    """What a request needs of its token: reads need `read`, registering `register`, every other write `act`."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return Scope.READ
    path = request.path.rstrip("/")
    if path.endswith("/api/v1/petitions"):
        return Scope.REGISTER
    if path.endswith("/api/v1/matching/candidates"):  # a draft's repeat candidates: a look-up, nothing written
        return Scope.READ
    return Scope.ACT


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        grant = api_token_check(token=token)
        if grant is None:
            return None  # 401: unknown, revoked or expired, or its user disabled
        request.user = grant.user
        require_scope(grant.scopes, required_scope(request))  # 403 naming the missing scope
        return grant.user


def etag_of(petition: Petition) -> str:
    """A petition's entity tag: its id and version, which every change (action, correction, edit) moves on."""
    return f'"p{petition.pk}-v{petition.version}"'


def version_of_if_match(request: HttpRequest) -> int | None:
    """The version an `If-Match` header names (the ETag this API gave), or None without the header."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    tag = header.removeprefix("W/").strip('"')
    version = tag.rpartition("-v")[2]
    if not version.isdigit() or len(version) > 9:
        raise ValidationError({"If-Match": [f"not an ETag of this API: {header[:80]!r}"]})
    return int(version)


api = NinjaAPI(
    title="法治信访 Xinfang API",
    version="1",
    description="Register, read and act on petitions (信访事项). Authenticate with `Authorization: Bearer <token>`; "
    "create a token with `xinfang token create --user NAME [--scopes read,register,act] [--days 90]`: it acts "
    "as that user (the user's scope and roles), within its scopes, until it expires. docs/API.md.",
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


class PreconditionFailed(Exception):
    def __init__(self, current: int, matched: int):
        super().__init__(f"precondition failed: the petition is at version {current}, not {matched} (If-Match); "
                         "read it again")


def expected_version_for(request: HttpRequest, petition_id: int, expected: int | None) -> int | None:
    """The version a write must find: `If-Match`'s (412 at once if already stale), else the body's."""
    matched = version_of_if_match(request)
    if matched is None:
        return expected
    if expected is not None and expected != matched:
        raise ValidationError({"expected_version": [
            f"expected_version {expected} and If-Match (version {matched}) disagree"]})
    current = petition_get_for_user(user=request.user, petition_id=petition_id).version
    if current != matched:
        raise PreconditionFailed(current, matched)
    return matched


@api.exception_handler(PreconditionFailed)
def _precondition_failed(request, exc: PreconditionFailed):
    return api.create_response(request, {"detail": str(exc)}, status=412)


def _conditional_get(request: HttpRequest, response: HttpResponse, petition: Petition):
    """The petition with its ETag, or 304 Not Modified when the client's `If-None-Match` is still current."""
    tag = etag_of(petition)
    response["ETag"] = tag
    if tag in [value.strip() for value in request.headers.get("If-None-Match", "").split(",")]:
        return Status(304, None)
    return _petition_out(petition)


@api.get("/petitions/{number}", response={200: PetitionOut, 304: None, 404: ErrorOut},
         summary="Get a petition by number",
         description="The response carries an `ETag`; send it as `If-None-Match` to get 304 while nothing changed, "
         "and as `If-Match` with an action so that it applies only to the version you read (412 otherwise).")
def petition_detail(request: HttpRequest, response: HttpResponse, number: str = Path(..., max_length=40)):
    petition_id = (
        petitions_visible_to(user=request.user).filter(number=number).values_list("id", flat=True).first()
    )
    if petition_id is None:
        raise Http404
    return _conditional_get(request, response, petition_get_for_user(user=request.user, petition_id=petition_id))


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
          response={200: PetitionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 412: ErrorOut, 422: ErrorOut},
          summary="Apply a rule of the procedure (forward, accept, reply, deliver, request_review, …)",
          description="Refused with 422 naming the rule and its article when the rules do not allow it; "
          "409 when `expected_version` is stale (someone acted on the petition since it was read); 412 when "
          "the `If-Match` ETag is no longer the petition's.")
def petition_action(request: HttpRequest, response: HttpResponse, payload: ActionIn, petition_id: int = PETITION_ID,
                    action: str = Path(..., max_length=40)):
    expected = expected_version_for(request, petition_id, payload.expected_version)
    petition_act(petition_id=petition_id, action=action, actor=request.user, values=payload.values,
                 acted_on=payload.acted_on, expected_version=expected)
    petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    response["ETag"] = etag_of(petition)
    return _petition_out(petition)


class CorrectionIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)
    expected_version: int | None = Field(None, ge=1, le=2**31 - 1)


@api.post("/petitions/{petition_id}/correct",
          response={200: PetitionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 412: ErrorOut, 422: ErrorOut},
          summary="Correct (undo) the last action by a new, audited event: state, fields and clocks as they were",
          description="The correcting roles only; `If-Match` or `expected_version` as for an action.")
def petition_correction(request: HttpRequest, response: HttpResponse, payload: CorrectionIn,
                        petition_id: int = PETITION_ID):
    expected = expected_version_for(request, petition_id, payload.expected_version)
    petition_correct(petition_id=petition_id, actor=request.user, reason=payload.reason, expected_version=expected)
    petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    response["ETag"] = etag_of(petition)
    return _petition_out(petition)


@api.exception_handler(StaleVersion)
def _stale(request, exc: StaleVersion):
    return api.create_response(request, {"detail": exc.messages[0]}, status=409)
api.add_router("", "xinfang.api.reads.router")  # history, deadlines, notices, inbox, orgs, categories, figures
api.add_router("/matching", "xinfang.matching.api.router")  # repeat candidates and links (matching app)
