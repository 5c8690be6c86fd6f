"""Run inside `python -m django shell` by test_worker.py: a small district with six overdue petitions, and a
deadline scan queued in the database for the real worker."""

from datetime import datetime

from django.utils import timezone

from xinfang.orgs.models import Org, Role
from xinfang.orgs.services import org_create, user_create
from xinfang.petitions.models import Category, Channel, PetitionType
from xinfang.petitions.services import PetitionerInput, PetitionInput, petition_register

PETITIONS = 6


def build(pause: float) -> None:
    from xinfang.notifications.tasks import deadlines_scan_once

    county = org_create(name="清溪区人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY, region_code="500199")
    office = org_create(name="清溪区信访办", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.COUNTY, parent=county,
                        number_prefix="QXXF")
    township = org_create(name="青石镇", kind=Org.Kind.TOWNSHIP, level=Org.Level.TOWNSHIP, parent=county,
                          region_code="500199101")
    clerk = user_create(username="clerk", password="pw-clerk-123", org=office, roles=[Role.INTAKE_CLERK])
    supervisor = user_create(username="duban", password="pw-123456", org=office, roles=[Role.SUPERVISOR])
    supervisor.email = "duban@example.cn"
    supervisor.save(update_fields=["email"])
    category = Category.objects.get(code="0301")
    for number in range(PETITIONS):
        petition_register(data=PetitionInput(
            channel=Channel.LETTER, received_at=timezone.make_aware(datetime(2026, 3, 2 + number, 9, 30)),
            summary=f"反映拖欠工资 {number}", content="工程结束后公司拖欠工资三个月未付。", demands="请求支付。",
            category_id=category.pk, petition_type=PetitionType.GRIEVANCE, locality_id=township.pk,
            petitioners=[PetitionerInput(name="张小三", id_number="11010519491231002X", phone="13812345678",
                                         address="清溪区青石镇")]), actor=clerk)
    result = deadlines_scan_once.enqueue(pause=pause)
    print(f"queued {result.id}")
