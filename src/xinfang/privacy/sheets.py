"""The copy an access request hands over (查阅、复制, PIPL Art 45): the petitioner's own data, as Excel."""

import io

from openpyxl import Workbook

from xinfang.orgs.models import User
from xinfang.privacy.models import DataRequest
from xinfang.privacy.selectors import petitioner_export_rows

PETITION_COLUMNS = (
    ("number", "信访件编号"), ("received_at", "收到日期"), ("channel", "信访形式"), ("petition_type", "信访类型"),
    ("category", "问题分类"), ("locality", "问题属地"), ("registering_org", "登记机构"), ("handling_org", "责任单位"),
    ("status", "办理状态"), ("summary", "概况"), ("content", "信访内容"), ("demands", "诉求"),
    ("co_petitioners", "共同信访人（人数）"), ("steps", "办理过程"),
)


def access_copy(*, request: DataRequest, user: User) -> tuple[bytes, int]:
    """The workbook (本人信息 and 信访事项 sheets) and the number of matters in it."""
    petitioner = request.petitioner
    book = Workbook()
    own = book.active
    own.title = "本人信息"
    own.append(["项目", "内容"])
    for label, value in (("类型", petitioner.get_kind_display()), ("姓名/单位名称", petitioner.name),
                         ("证件号码", petitioner.id_number), ("联系电话", petitioner.phone),
                         ("住址", petitioner.address), ("申请编号", request.number)):
        own.append([label, value])
    matters = book.create_sheet("信访事项")
    matters.append([label for _, label in PETITION_COLUMNS])
    rows = petitioner_export_rows(petitioner=petitioner, user=user)
    for row in rows:
        matters.append([row[key] for key, _ in PETITION_COLUMNS])
    note = book.create_sheet("说明")
    note.append(["检举控告类事项只列编号、日期、类型、状态和办理过程：内容涉及被检举控告人，依《信访工作条例》第三十条保密。"])
    note.append(["共同信访人、工作人员的姓名不列出；只列本人参与的、本机构范围内的信访事项。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), len(rows)
