"""Demo data of the 违法信访行为 ledger: four fictional incidents over the last months, with their measures.

`seed_order(today=…)` runs after the district exists (xinfang seed). Everything goes through order.services as
the office's 审核员 (username "reviewer"), so it is audited and versioned like typed-in data; the police measures
name the district's 公安分局 (a 政法机关 org). A second run adds nothing. All names are fictional.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from xinfang.order import services
from xinfang.order.models import OrderIncident
from xinfang.orgs.models import Org, User

# (days ago, place, kind, description, locality, persons, [(person index, measure, days after, police?, 文号)])
INCIDENTS = (
    (150, "区群众来访接待中心", "trouble_at_reception", "在接待大厅大声吵闹、滞留至下班后拒不离开", "青石镇",
     ("吴有才",), [(0, "dissuade", 0, False, ""), (0, "admonish", 1, False, "清信训〔{year}〕1号")]),
    (96, "区政府南门", "gathering", "十余人在区政府南门聚集，拉横幅堵塞车辆通行", "白沙镇",
     ("郑小龙", "冯大海", "陈阿四"), [(0, "criticise", 0, False, ""), (1, "dissuade", 0, False, ""),
                                  (2, "public_security_penalty", 2, True, "清公（治）决字〔{year}〕37号")]),
    (40, "区信访办接待室", "violence", "因诉求未获支持辱骂并推搡接待人员", "清溪街道",
     ("褚建军",), [(0, "criminal_coercion", 1, True, "清公（刑）拘字〔{year}〕5号")]),
    (12, "某小区业主群", "inciting", "在业主群中组织收取“上访经费”，串联到市集体上访", "青石镇",
     ("卫明亮", "蒋秀英"), [(0, "admonish", 3, False, "清信训〔{year}〕6号")]),
)


def seed_order(*, today: date) -> str:
    if OrderIncident.objects.exists():
        return "违法信访行为：已有数据，未重复生成"
    reviewer = User.objects.filter(username="reviewer").first()
    police = Org.objects.filter(kind=Org.Kind.POLITICAL_LEGAL, name__contains="公安").first()
    office = reviewer.org if reviewer is not None else None
    if reviewer is None or police is None:
        return "违法信访行为：没有演示区县的审核员或公安机关，未生成"
    today = min(today, timezone.localdate())
    made = measures = 0
    with transaction.atomic():
        for days, place, kind, description, locality_name, names, taken in INCIDENTS:
            locality = Org.objects.filter(name=locality_name).first()
            if locality is None:
                continue
            day = today - timedelta(days=days)
            services.incident_create(actor=reviewer, data=services.IncidentInput(
                occurred_on=day, place=place, kind=kind, description=description, locality_id=locality.pk,
                persons=[services.PersonInput(name=name) for name in names],
                measures=[services.MeasureInput(
                    kind=measure, person=person, taken_on=day + timedelta(days=after),
                    organ_id=(police if by_police else office).pk, document_number=number.format(year=day.year))
                    for person, measure, after, by_police, number in taken]))
            made += 1
            measures += len(taken)
    return f"违法信访行为：{made}起，处置措施{measures}项"
