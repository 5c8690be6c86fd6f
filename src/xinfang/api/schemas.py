"""API shapes. Field names follow the glossary; personal data leaves the API masked.

Every number and id taken has the bounds of xinfang.petitions.validators, so the OpenAPI document states them
and an out-of-range value is a 422 naming the field, never a database overflow (docs/SECURITY.md).
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo

from ninja import Field, Schema
from pydantic import AfterValidator

from xinfang.petitions.validators import (
    AMOUNT_DECIMAL_PLACES,
    MAX_AMOUNT_INVOLVED,
    MAX_DB_ID,
    MAX_HOT_TOPICS,
    MAX_PERSON_TIMES,
    MAX_PETITIONERS,
    MAX_YEAR,
    MIN_YEAR,
)

# docs/IMPORT.md: a date-time without offset is Asia/Shanghai time.
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The longest search text: far longer than any number, name or keyword, far below SQLite's LIKE pattern limit.
MAX_SEARCH_TEXT = 200


def _received_at(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=SHANGHAI)
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    return value


# A database id: positive and within BIGINT (a larger number names no row and overflows SQLite's integer).
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
# A moment: with its offset, or Asia/Shanghai when it has none; years MIN_YEAR..MAX_YEAR.
ReceivedAt = Annotated[datetime, AfterValidator(_received_at),
                       Field(description="ISO 8601; without an offset it is Asia/Shanghai time")]


class PetitionerIn(Schema):
    kind: str = Field("person", max_length=20)
    # The lengths of the web form's fields (web.forms.PetitionerForm).
    name: str = Field(max_length=100)
    id_number: str = Field("", max_length=30)
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200)
    is_representative: bool = False


class PetitionIn(Schema):
    channel: str = Field(max_length=40)
    received_at: ReceivedAt
    summary: str = Field(max_length=200)
    content: str
    demands: str = ""
    category: str = Field(description="category code, e.g. 0301 (劳动社保 / 欠薪讨薪)", max_length=20)
    petition_type: str = Field(max_length=40)
    locality: DbId = Field(description="org id of the locality (属地)")
    complained_org: DbId | None = None
    amount_involved: Decimal | None = Field(
        None, ge=0, le=MAX_AMOUNT_INVOLVED, decimal_places=AMOUNT_DECIMAL_PLACES, allow_inf_nan=False,
        description="yuan, at most two decimals",
    )
    hot_topics: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list, max_length=MAX_HOT_TOPICS, description="hot-topic codes")
    litigation_related: bool = False
    urgency: str = Field("normal", max_length=20)
    person_times: int | None = Field(default=None, ge=1, le=MAX_PERSON_TIMES,
                                     description="defaults to the number of petitioners")
    source_reference: str = Field("", max_length=100)
    petitioners: list[PetitionerIn] = Field(default_factory=list, max_length=MAX_PETITIONERS)


class PetitionerOut(Schema):
    kind: str
    name: str = Field(description="masked")
    id_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    is_representative: bool


class OrgRef(Schema):
    id: int
    name: str


class PetitionOut(Schema):
    id: int
    number: str
    channel: str
    received_at: datetime
    registering_org: OrgRef
    summary: str
    content: str
    demands: str
    category: str
    category_name: str
    petition_type: str
    locality: OrgRef
    complained_org: OrgRef | None
    amount_involved: Decimal | None
    hot_topics: list[str]
    litigation_related: bool
    urgency: str
    person_times: int
    is_group_visit: bool
    status: str
    handling_org: OrgRef | None
    outcome: str
    version: int = Field(description="send as expected_version with an action to guard against lost updates")
    petitioners: list[PetitionerOut]


class PetitionSummaryOut(Schema):
    id: int
    number: str
    channel: str
    received_at: datetime
    summary: str
    category: str
    petition_type: str
    locality: OrgRef
    person_times: int
    is_group_visit: bool
    status: str


class PetitionPage(Schema):
    items: list[PetitionSummaryOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null at the end")


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)
