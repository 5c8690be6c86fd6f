"""Forms of 领导批示 (parse only; services_instructions decides what is allowed)."""

from django import forms

from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Petition
from xinfang.supervision.instructions import Instruction
from xinfang.supervision.selectors_instructions import STATES, instruction_target_choices

DATE = forms.DateInput(attrs={"type": "date"})
# Several forms share the case page: each gets a prefix so their fields' ids stay unique.
RECORD_PREFIX = "instr"


def response_prefix(instruction: Instruction) -> str:
    return f"resp{instruction.pk}"


class InstructionForm(forms.Form):
    text = forms.CharField(label="批示内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    target_org = forms.ModelChoiceField(label="落实单位", queryset=Org.objects.none())
    priority = forms.ChoiceField(label="紧急程度", choices=Instruction.Priority.choices, required=False)
    issued_on = forms.DateField(label="批示日期", required=False, widget=DATE, help_text="不填为今天")
    due_days = forms.IntegerField(label="反馈期限（工作日）", required=False, min_value=1, max_value=365,
                                  help_text="不填日期也不填天数时按本地政策设定的期限")
    due_on = forms.DateField(label="或反馈期限（日期）", required=False, widget=DATE)

    def __init__(self, *args, user: User, petition: Petition, **kwargs):
        kwargs.setdefault("prefix", RECORD_PREFIX)
        super().__init__(*args, **kwargs)
        choices = instruction_target_choices(user=user, petition=petition)
        field = self.fields["target_org"]
        field.queryset = Org.objects.filter(pk__in=[org.pk for org in choices]).order_by("path")
        default = petition.handling_org_id or petition.registering_org_id
        if any(org.pk == default for org in choices):
            field.initial = default

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_on") and cleaned.get("due_days"):
            raise forms.ValidationError("反馈期限请填写日期或工作日数之一")
        return cleaned


class ResponseForm(forms.Form):
    text = forms.CharField(label="落实情况", max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    final = forms.BooleanField(label="最终反馈（落实完毕，报请办结）", required=False)
    responded_on = forms.DateField(label="反馈日期", required=False, widget=DATE, help_text="不填为今天")


class CloseForm(forms.Form):
    note = forms.CharField(label="办结意见", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class InstructionFilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *STATES.items()])
    unit = forms.IntegerField(label="落实单位", required=False)
    leader = forms.IntegerField(label="批示领导", required=False)
