"""Cases for 质量评查, carried through the real procedure, and the reviewer who evaluates them.

| case | what happens | auto items |
|---|---|---|
| on_time | forwarded next day, accepted, replied (request, facts, decision, basis), delivered, evaluated | all met |
| late | forwarded next day, accepted 30 days later (the 15-day acceptance notice is late), nothing more | acceptance notice late, not handled |
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.conftest import act, petition_input
from xinfang.petitions.models import Petition
from xinfang.petitions.services import petition_register
from xinfang.quality.services import ItemInput


@dataclass
class Cases:
    on_time: Petition
    late: Petition


def received(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime(day.year, day.month, day.day, 9, 30))


def ago(days: int):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def cases(district, category, actors) -> Cases:
    on_time, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                       received_at=received(20)), actor=district.clerk)
    act(on_time, "forward", actors.reviewer, on=ago(19), handling_org=district.township_a.pk)
    act(on_time, "accept", actors.handler, on=ago(18))
    act(on_time, "reply", actors.head, on=ago(10), outcome="partly_supported", facts="经查属实。",
        decision="责令限期支付。", legal_basis="《保障农民工工资支付条例》")
    act(on_time, "deliver", actors.handler, on=ago(9), delivery_method="in_person")
    act(on_time, "evaluate", actors.clerk, on=ago(8), rating="satisfied", rated_by="petitioner")

    late, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                    received_at=received(60), summary="反映拖欠工资（受理超期）"),
                                actor=district.clerk)
    act(late, "forward", actors.reviewer, on=ago(59), handling_org=district.township_a.pk)
    act(late, "accept", actors.handler, on=ago(29))
    for petition in (on_time, late):
        petition.refresh_from_db()
    return Cases(on_time, late)


def full_marks(checklist, **overrides) -> dict[str, ItemInput]:
    """Every item at full points, except the overrides (key → ItemInput)."""
    scores = {item.key: ItemInput(item.points) for item in checklist.items}
    scores.update(overrides)
    return scores
