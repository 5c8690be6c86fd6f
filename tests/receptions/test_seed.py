"""The demo data: the district's leaders' schedules and receptions, linked to its visits, through the services."""

import pytest
from django.utils import timezone

from xinfang.demo.district import district_build
from xinfang.demo.generator import generate_petitions
from xinfang.demo.seed_receptions import seed_receptions
from xinfang.receptions.models import Reception, ReceptionPetition, ReceptionSchedule
from xinfang.receptions.selectors import published_schedules

pytestmark = pytest.mark.django_db


def test_seed_receptions_links_the_visits_of_the_day_and_publishes_the_coming_weeks():
    district = district_build()
    today = timezone.localdate()
    generate_petitions(n=400, seed=3, district=district, until=today, days=190)
    report = seed_receptions(today=today)
    assert Reception.objects.count() == 26 and ReceptionSchedule.objects.count() == 32
    links = ReceptionPetition.objects.select_related("petition", "reception")
    assert links.exists() and all(link.petition.channel == "visit" for link in links)
    assert all(timezone.localtime(link.petition.received_at).date() == link.reception.received_on for link in links)
    assert len(published_schedules(today=today)) == 4
    assert f"关联来访{links.count()}件" in report and "接访26场次" in report
    assert seed_receptions(today=today) == "领导接访：已有数据，未重复生成"
