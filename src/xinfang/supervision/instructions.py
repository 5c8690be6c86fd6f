"""领导批示: a leader's instruction on a matter, routed to a unit, and the unit's report on carrying it out.

Append-only: the instruction's text and every response (落实情况) stay as written; the instruction row only
moves open → answered (the final response) → closed (办结). Writes go through
xinfang.supervision.services_instructions, reads through selectors_instructions (docs/SUPERVISION.md, 领导批示).
"""


from django.conf import settings
from django.db import models

from xinfang.orgs.models import Org
from xinfang.supervision.records import NumberedRecord

__all__ = ["Instruction", "InstructionResponse"]


class Instruction(NumberedRecord):
    """One 批示 of a leader on one petition, to be carried out by `target_org` by `due_on`."""

    answered_field = "answered_on"  # the final response

    class Status(models.TextChoices):
        OPEN = "open", "待落实"
        ANSWERED = "answered", "已反馈待办结"
        CLOSED = "closed", "已办结"

    class Priority(models.TextChoices):
        NORMAL = "normal", "一般"
        URGENT = "urgent", "紧急"
        MOST_URGENT = "most_urgent", "特急"

    # The leader's organ: it numbers the instruction and its calendar counts the working days.
    org = models.ForeignKey(Org, verbose_name="批示机关", on_delete=models.PROTECT, related_name="+")
    petition = models.ForeignKey("petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT,
                                 related_name="instructions")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批示领导", on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField("批示内容")
    target_org = models.ForeignKey(Org, verbose_name="落实单位", on_delete=models.PROTECT, related_name="+")
    priority = models.CharField("紧急程度", max_length=15, choices=Priority.choices, default=Priority.NORMAL)
    issued_on = models.DateField("批示日期")
    due_on = models.DateField("反馈期限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_on = models.DateField("最终反馈日期", null=True, blank=True)

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "sequence"], name="instruction_number_per_org_year"),
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("issued_on")),
                                   name="instruction_due_not_before_issue"),
            # The states carry their dates: an answered one its final response, a closed one its closure.
            models.CheckConstraint(
                condition=models.Q(status="open", answered_on__isnull=True, closed_on__isnull=True)
                | models.Q(status="answered", answered_on__isnull=False, closed_on__isnull=True)
                | models.Q(status="closed", answered_on__isnull=False, closed_on__isnull=False),
                name="instruction_status_dates",
            ),
        ]
        indexes = [
            models.Index(fields=["target_org", "status", "due_on"], name="instruction_target_idx"),
            models.Index(fields=["petition", "issued_on"], name="instruction_petition_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} 领导批示"


class InstructionResponse(models.Model):
    """落实情况 reported by the routed unit's head: progress entries, then one final response."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "进展情况"
        FINAL = "final", "最终反馈"

    instruction = models.ForeignKey(Instruction, on_delete=models.PROTECT, related_name="responses")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    text = models.TextField("落实情况")
    responded_on = models.DateField("反馈日期")
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反馈人", on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "批示落实情况"
        verbose_name_plural = "批示落实情况"
        ordering = ["instruction_id", "responded_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instruction"], condition=models.Q(kind="final"),
                                    name="instruction_one_final_response"),
        ]

    def __str__(self) -> str:
        return f"{self.instruction_id} {self.get_kind_display()}"
