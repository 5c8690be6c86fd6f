from datetime import date
import pytest
from tests.notices.conftest import act
from xinfang.notices.documents import render_notice_docx
from xinfang.workflow.models import Notice

pytestmark = pytest.mark.django_db

def test_dump(decided, district, category, actors):
    act(decided, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="in_person")
    act(decided, "close", actors.head, on=date(2026, 4, 25))
    act(decided, "request_review", actors.county_head, on=date(2026, 5, 20), reviewing_org=district.county.pk)
    act(decided, "decide_review", actors.county_head, on=date(2026, 6, 10), review_outcome="uphold",
        reasons="原处理意见认定事实清楚，适用依据正确。")
    act(decided, "request_re_review", actors.city_head, on=date(2026, 6, 20), reviewing_org=actors.city.pk)
    act(decided, "decide_re_review", actors.city_head, on=date(2026, 7, 1), review_outcome="uphold", reasons="复查意见正确。")
    for n in Notice.objects.all():
        open(f"/tmp/notice-check/all-{n.kind}.docx", "wb").write(render_notice_docx(notice=n))
