"""积案/包案: the backlog cases (积案) with their leaders in charge (包案领导), their 台账 entries, their 反流
(the matter petitioned again after 销号), and the 群众信访问题清单 (major matters struck off by a date).

Writes go through services_backlog (one transaction, audited, a LedgerVersion each); reads through
selectors_backlog. docs/PREVENTION.md (积案/包案) describes the ledger, its roles and its figures.
"""

from django.conf import settings
from django.db import models

from xinfang.orgs.models import Org
from xinfang.prevention.history import LedgerRecord

BACKLOG_LEDGER = "backlog"  # LedgerVersion.ledger of a BacklogCase
PROBLEM_LEDGER = "problem"  # LedgerVersion.ledger of a ProblemListItem


class BacklogCase(LedgerRecord):
    """One 积案: assigned from above (上级交办, a batch such as 治重化积) or listed here, in charge of a leader."""

    class Source(models.TextChoices):
        ASSIGNED = "assigned", "上级交办"
        SCREENED = "screened", "本级排查"
        RECEPTION = "reception", "领导接访"

    class Status(models.TextChoices):
        OPEN = "open", "化解中"
        REPORTED = "reported", "已报结待核实"
        STRUCK_OFF = "struck_off", "已核实销号"

    summary = models.CharField("积案名称", max_length=300)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    batch = models.CharField("交办批次", max_length=100, blank=True, help_text="如“治重化积”专项工作")
    batch_number = models.CharField("交办编号", max_length=50, blank=True)
    assigned_on = models.DateField("交办（列入）日期")
    petition = models.ForeignKey("petitions.Petition", verbose_name="信访件", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    responsible_org = models.ForeignKey(Org, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="包案领导", on_delete=models.PROTECT,
                               related_name="backlog_cases")
    task_force = models.TextField("工作专班", blank=True, help_text="专班成员及分工")
    due_on = models.DateField("化解期限")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    reported_on = models.DateField("报结日期", null=True, blank=True)
    resolution = models.TextField("化解情况", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报结人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    struck_off_on = models.DateField("销号日期", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    recording_org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "积案"
        verbose_name_plural = "积案"
        ordering = ["-assigned_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="struck_off") | models.Q(struck_off_on__isnull=False),
                                   name="prevention_backlog_struck_has_date"),
            models.CheckConstraint(condition=models.Q(status="open") | models.Q(reported_on__isnull=False),
                                   name="prevention_backlog_reported_has_date"),
        ]
        indexes = [models.Index(fields=["assigned_on"], name="prevention_backlog_assigned")]


class BacklogEntry(models.Model):
    """One line of the case's 台账: what was done on a day and by whom. Only ever appended."""

    case = models.ForeignKey(BacklogCase, on_delete=models.CASCADE, related_name="entries")
    done_on = models.DateField("日期")
    content = models.TextField("工作内容")
    done_by = models.CharField("办理人", max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "积案台账记录"
        verbose_name_plural = "积案台账记录"
        ordering = ["case_id", "done_on", "id"]


class BacklogReflux(models.Model):
    """反流: a new petition judged the same matter as a struck-off case's petition, arriving after its 销号."""

    case = models.ForeignKey(BacklogCase, on_delete=models.CASCADE, related_name="refluxes")
    petition = models.ForeignKey("petitions.Petition", verbose_name="新信访件", on_delete=models.PROTECT,
                                 related_name="+")
    detected_on = models.DateField("发现日期")
    detected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "积案反流"
        verbose_name_plural = "积案反流"
        ordering = ["-detected_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "petition"], name="prevention_reflux_unique")]


class ProblemListItem(LedgerRecord):
    """群众信访问题清单: a major matter, its person and unit responsible, struck off by a date (限时化解销号)."""

    class Status(models.TextChoices):
        OPEN = "open", "化解中"
        STRUCK_OFF = "struck_off", "已销号"

    summary = models.CharField("问题", max_length=300)
    responsible_person = models.CharField("责任人", max_length=50)
    responsible_org = models.ForeignKey(Org, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    listed_on = models.DateField("列入日期")
    due_on = models.DateField("限时销号日期")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    struck_off_on = models.DateField("销号日期", null=True, blank=True)
    note = models.TextField("化解情况", blank=True)
    recording_org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "群众信访问题清单"
        verbose_name_plural = "群众信访问题清单"
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="struck_off") | models.Q(struck_off_on__isnull=False),
                                   name="prevention_problem_struck_has_date"),
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("listed_on")),
                                   name="prevention_problem_dates"),
        ]


# 反流 is detected from the matching app's repeat links: connect the receiver with the models.
from xinfang.prevention import receivers_backlog  # noqa: E402,F401
