"""API shapes. Field names follow the glossary; personal data leaves the API masked."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class PetitionerIn(Schema):
    kind: str = "person"
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    is_representative: bool = False


class PetitionIn(Schema):
    channel: str
    received_at: datetime
    summary: str
    content: str
    demands: str = ""
    category: str = Field(description="category code, e.g. 0301 (劳动社保 / 欠薪讨薪)")
    petition_type: str
    locality: int = Field(description="org id of the locality (属地)")
    complained_org: int | None = None
    amount_involved: Decimal | None = None
    hot_topics: list[str] = Field(default_factory=list, description="hot-topic codes")
    litigation_related: bool = False
    urgency: str = "normal"
    person_times: int | None = Field(default=None, description="defaults to the number of petitioners")
    source_reference: str = ""
    petitioners: list[PetitionerIn] = Field(default_factory=list)


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
