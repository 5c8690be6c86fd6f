"""What the prevention ledgers' writes share: numbers, the version row of each change, petition links."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from xinfang.audit.services import audit_record
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention.history import LedgerSequence, LedgerVersion


def next_number(*, series: str, mark: str, year: int) -> str:
    """纠纷〔2026〕3号: the series' next number in the year, taken under a row lock."""
    sequence = LedgerSequence.objects.select_for_update().filter(series=series, year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                LedgerSequence.objects.create(series=series, year=year)
        except IntegrityError:
            pass  # created by a concurrent write; lock theirs
        sequence = LedgerSequence.objects.select_for_update().get(series=series, year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"{mark}〔{year}〕{sequence.last_value}号"


def check_version(record, expected_version: int | None) -> None:
    """A form read at `expected_version` may not overwrite a record someone changed since (optimistic lock)."""
    if expected_version is not None and expected_version != record.version:
        raise ValidationError(f"{record.number}已被他人修改（现为第{record.version}版），请刷新后重新填写")


def _display(record: models.Model, field: models.Field) -> Any:
    value = getattr(record, field.name)
    if value is None or value == "":
        return ""
    if field.choices:
        return getattr(record, f"get_{field.name}_display")()
    if isinstance(field, models.ForeignKey):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def snapshot(record: models.Model, *, fields: Iterable[str], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The record's fields as shown to people (labels as keys, display values), for the history."""
    data = {}
    for name in fields:
        field = record._meta.get_field(name)
        data[str(field.verbose_name)] = _display(record, field)
    data.update(extra or {})
    return data


def version_append(*, ledger: str, record: models.Model, actor: User, action: str, data: dict[str, Any],
                   before: dict[str, Any] | None = None, note: str = "") -> LedgerVersion:
    """Append the record's version row (its `version` already advanced) with what changed since `before`."""
    changes = {} if before is None else {
        label: [before.get(label, ""), value] for label, value in data.items() if before.get(label, "") != value}
    return LedgerVersion.objects.create(ledger=ledger, record_id=record.pk, version=record.version, action=action,
                                        actor=actor, data=data, changes=changes, note=note)


def history_for(*, ledger: str, record_id: int) -> list[LedgerVersion]:
    return list(LedgerVersion.objects.filter(ledger=ledger, record_id=record_id).select_related("actor")
                .order_by("-version"))


def petitions_by_number(*, user: User, numbers: Iterable[str], field: str = "petition_numbers") -> list[Petition]:
    """The petitions named, each one the user may see (Art 30); an unknown or hidden number is refused alike."""
    wanted = list(dict.fromkeys(number.strip() for number in numbers if number.strip()))
    found = {petition.number: petition for petition in petitions_visible_to(user=user).filter(number__in=wanted)}
    missing = [number for number in wanted if number not in found]
    if missing:
        raise ValidationError({field: f"找不到信访件或无权查看：{'、'.join(missing)}"})
    return [found[number] for number in wanted]


@transaction.atomic
def export_record(*, actor: User, what: str, rows: int, query: str) -> None:
    """An export leaves the audit trail its rows and the filters it was made with."""
    audit_record(actor=actor, action=f"prevention.{what}_export", data={"rows": rows, "query": query})
