"""API for repeat candidates and links, mounted at /api/v1/matching (errors: the NinjaAPI's handlers)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema

from xinfang.api.schemas import DbId, ErrorOut, ReceivedAt
from xinfang.matching.models import SkipLevelMark
from xinfang.matching.selectors import (
    CandidateList,
    Draft,
    DraftPerson,
    draft_of_petition,
    matter_chain,
    matter_chain_for,
    matter_finality,
    repeat_candidates,
    visible_finality,
)
from xinfang.matching.services import LINK_ROLES, matter_split, repeat_link, repeat_unlink
from xinfang.orgs.permissions import require_role
from xinfang.petitions.models import Category
from xinfang.petitions.selectors import petition_get_for_user
from xinfang.petitions.validators import MAX_DB_ID

router = Router(tags=["matching"])

MAX_TEXT = 100_000
MAX_PEOPLE = 20
# Petitions moved by one split: a matter is a handful of petitions; the bound keeps the IN list small.
MAX_SPLIT = 500
# A petition's id in a path: positive and within BIGINT, else 422 (never an overflow in the database).
PETITION_ID = Path(..., ge=1, le=MAX_DB_ID)


class PersonIn(Schema):
    name: str = Field("", max_length=100)
    id_number: str = Field("", max_length=30)
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200)


class DraftIn(Schema):
    text: str = Field("", description="summary, content and demands as typed")
    people: list[PersonIn] = Field(default_factory=list)
    locality: DbId | None = Field(None, description="org id of the locality (属地)")
    category: str = Field("", description="category code, e.g. 0301", max_length=20)
    complained_org: DbId | None = None
    received_at: ReceivedAt | None = None
    limit: int = 10


class CandidateOut(Schema):
    petition_id: int
    number: str
    summary: str
    received_at: datetime
    status: str
    registering_org: str
    matter_id: int = Field(description="id of the matter's first petition (初件)")
    matter_number: str
    matter_size: int
    score: float
    reasons: list[str]
    text_similarity: float | None
    identity_method: str
    is_final: bool
    final_message: str
    final_rule: str
    kind: str = Field(description="repeat (重复信访), other_matter (此人其他信访事项) or joint (涉众/联名)")
    kind_label: str
    matter_score: float = Field(description="the judgement's calibrated probability of one matter, 0..1")


class CandidatesOut(Schema):
    candidates: list[CandidateOut] = Field(description="the same petitioner's same matter (重复信访), best first")
    other_matters: list[CandidateOut] = Field(description="the same petitioner's other matters, newest first")
    joint: list[CandidateOut] = Field(description="the same matter told by other people (涉众/联名 candidates)")
    notes: list[str] = Field(description="why something was not compared (e.g. text too short)")


class ChainPetitionOut(Schema):
    id: int
    number: str
    received_at: datetime
    status: str
    is_first: bool
    is_skip_level: bool


class ChainOut(Schema):
    petition_id: int
    first_petition_id: int | None = Field(description="the matter's first petition as the caller may see it")
    petitions: list[ChainPetitionOut]
    is_final: bool
    final_message: str
    final_rule: str
    is_skip_level: bool
    skip_level_reason: str


class LinkIn(Schema):
    first_petition: DbId = Field(description="id of any petition of the matter; the link goes to its first petition")
    reason: str = Field(min_length=1, max_length=200)


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class SplitIn(Schema):
    petitions: list[DbId] = Field(min_length=1, max_length=MAX_SPLIT)
    reason: str = Field(min_length=1, max_length=200)


def _require_link_role(user) -> None:
    # The same roles as the registration page's candidates (matching.views, which answers 404 to others):
    # candidates show other people's petitions in the user's scope, a search only those who link repeats need.
    require_role(user, LINK_ROLES, action="查看可能重复的信访事项")


def _candidates_out(result: CandidateList) -> dict:
    return {
        **{name: [{**candidate.__dict__, "reasons": list(candidate.reasons)} for candidate in getattr(result, name)]
           for name in ("candidates", "other_matters", "joint")},
        "notes": result.notes,
    }


def _chain_out(*, user, petition_id: int) -> dict:
    petition = petition_get_for_user(user=user, petition_id=petition_id)
    # Finality from the whole matter (the law), the petitions listed from what the user may see.
    finality = matter_finality(petition_ids=[p.pk for p in matter_chain(petition_id=petition.pk)])
    view = matter_chain_for(user=user, petition_id=petition.pk)
    finality = visible_finality(finality, view.petitions)
    mark = SkipLevelMark.objects.filter(petition=petition).first()
    return {
        "petition_id": petition.pk,
        # None when the matter's first petition lies outside the user's scope (matter_chain_for says why).
        "first_petition_id": view.first_id,
        "petitions": [{"id": p.pk, "number": p.number, "received_at": p.received_at, "status": p.status,
                       "is_first": view.is_first(p), "is_skip_level": p.is_skip_level} for p in view.petitions],
        "is_final": finality.is_final, "final_message": finality.message, "final_rule": finality.rule,
        "is_skip_level": petition.is_skip_level, "skip_level_reason": mark.reason if mark else "",
    }


@router.post("/candidates", response={200: CandidatesOut, 403: ErrorOut, 422: ErrorOut},
             summary="Repeat candidates for a petition being registered",
             description="Scored earlier petitions that may be the same matter, best first, one per matter, with "
             "the reasons (identity, text similarity, locality, complained org, category, time). Text too short to "
             "judge is not compared; `notes` says so. Only petitions the token's user may see are considered; "
             "the user needs a role that may confirm repeats (as on the registration page).")
def candidates(request: HttpRequest, payload: DraftIn):
    _require_link_role(request.user)
    errors: dict[str, list[str]] = {}
    if len(payload.text) > MAX_TEXT:
        errors["text"] = [f"text longer than {MAX_TEXT} characters"]
    if len(payload.people) > MAX_PEOPLE:
        errors["people"] = [f"at most {MAX_PEOPLE} people"]
    if not 1 <= payload.limit <= 50:
        errors["limit"] = ["limit must be between 1 and 50"]
    category_id = None
    if payload.category:
        category_id = Category.objects.filter(code=payload.category).values_list("id", flat=True).first()
        if category_id is None:
            errors["category"] = [f"unknown category code {payload.category!r}"]
    if errors:
        raise ValidationError(errors)
    draft = Draft(text=payload.text, people=tuple(DraftPerson(**person.dict()) for person in payload.people),
                  locality_id=payload.locality, category_id=category_id, complained_org_id=payload.complained_org,
                  received_at=payload.received_at)
    return _candidates_out(repeat_candidates(actor=request.user, draft=draft, limit=payload.limit))


@router.get("/petitions/{petition_id}/candidates", response={200: CandidatesOut, 403: ErrorOut, 404: ErrorOut},
            summary="Repeat candidates for a registered petition")
def petition_candidates(request: HttpRequest, petition_id: int = PETITION_ID, limit: int = 10):
    _require_link_role(request.user)
    petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    limit = min(max(limit, 1), 50)
    return _candidates_out(repeat_candidates(actor=request.user, draft=draft_of_petition(petition=petition),
                                             limit=limit))


@router.get("/petitions/{petition_id}/chain", response={200: ChainOut, 404: ErrorOut},
            summary="The petition's matter: first petition and repeats, finality (Art 36), 越级")
def chain(request: HttpRequest, petition_id: int = PETITION_ID):
    return _chain_out(user=request.user, petition_id=petition_id)


@router.post("/petitions/{petition_id}/link", response={200: ChainOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Confirm the petition as a repeat (重件) of a matter")
def link(request: HttpRequest, payload: LinkIn, petition_id: int = PETITION_ID):
    repeat_link(actor=request.user, petition_id=petition_id, first_petition_id=payload.first_petition,
                reason=payload.reason)
    return _chain_out(user=request.user, petition_id=petition_id)


@router.post("/petitions/{petition_id}/unlink",
             response={200: ChainOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Undo a repeat link: the petition becomes a first petition")
def unlink(request: HttpRequest, payload: ReasonIn, petition_id: int = PETITION_ID):
    repeat_unlink(actor=request.user, petition_id=petition_id, reason=payload.reason)
    return _chain_out(user=request.user, petition_id=petition_id)


@router.post("/split", response={200: ChainOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Split petitions off their matter into a new matter (first petition: the earliest)")
def split(request: HttpRequest, payload: SplitIn):
    new_root = matter_split(actor=request.user, petition_ids=payload.petitions, reason=payload.reason)
    return _chain_out(user=request.user, petition_id=new_root.pk)

