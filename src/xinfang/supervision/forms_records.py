"""Forms of 督办 and 三项建议 (parse only; the services decide what is allowed)."""

import re

from django import forms

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.supervision.records import Recommendation, Supervision
from xinfang.supervision.selectors_records import STATES

DATE = forms.DateInput(attrs={"type": "date"})


def _unit_choices(user: User):
    queryset = Org.objects.filter(is_active=True, may_handle=True)
    scope = user_scope_org_ids(user=user)
    if scope is not None:
        queryset = queryset.filter(pk__in=scope)
    return queryset.order_by("path")


class _IssueForm(forms.Form):
    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_org"].queryset = _unit_choices(user)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_on") and cleaned.get("due_days"):
            raise forms.ValidationError("回复期限请填写日期或工作日数之一")
        return cleaned


class SupervisionForm(_IssueForm):
    kind = forms.ChoiceField(label="督办方式", choices=Supervision.Kind.choices)
    letter_kind = forms.ChoiceField(label="函件种类（发函督办）", required=False,
                                    choices=[("", "—"), *Supervision.LetterKind.choices])
    petition = forms.IntegerField(label="信访事项", required=False, widget=forms.HiddenInput)
    target_org = forms.ModelChoiceField(label="责任单位", queryset=Org.objects.none(), required=False,
                                        empty_label="（信访事项的责任单位）")
    subject = forms.CharField(label="督办事项", max_length=200, required=False)
    requirements = forms.CharField(label="督办要求", required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    issued_on = forms.DateField(label="签发日期", required=False, widget=DATE, help_text="不填为今天")
    due_days = forms.IntegerField(label="回复期限（工作日）", required=False, min_value=1, max_value=365,
                                  help_text="不填日期也不填天数时按本地政策设定的期限")
    due_on = forms.DateField(label="或回复期限（日期）", required=False, widget=DATE)


class RecommendationForm(_IssueForm):
    kind = forms.ChoiceField(label="建议类别", choices=Recommendation.Kind.choices)
    target_org = forms.ModelChoiceField(label="责任单位", queryset=Org.objects.none())
    subject = forms.CharField(label="建议事项", max_length=200)
    content = forms.CharField(label="发现的问题和建议内容", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    petition_numbers = forms.CharField(label="相关信访件编号", required=False, max_length=2000,
                                       help_text="可填多个，以空格或逗号分隔")
    issued_on = forms.DateField(label="签发日期", required=False, widget=DATE, help_text="不填为今天")
    due_days = forms.IntegerField(label="答复期限（工作日）", required=False, min_value=1, max_value=365,
                                  help_text="不填日期也不填天数时按本地政策设定的期限")
    due_on = forms.DateField(label="或答复期限（日期）", required=False, widget=DATE)

    def clean_petition_numbers(self) -> list[str]:
        return [part for part in re.split(r"[\s,，、;；]+", self.cleaned_data["petition_numbers"].upper()) if part]


class RespondForm(forms.Form):
    response = forms.CharField(label="办理情况", max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    responded_on = forms.DateField(label="回复日期", required=False, widget=DATE, help_text="不填为今天")


class ReplyForm(forms.Form):
    adoption = forms.ChoiceField(label="采纳情况", choices=Recommendation.Adoption.choices)
    reply = forms.CharField(label="书面答复（采纳情况及理由）", max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    replied_on = forms.DateField(label="答复日期", required=False, widget=DATE, help_text="不填为今天")


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ListFilterForm(forms.Form):
    type = forms.ChoiceField(label="类别", required=False, choices=[("supervision", "督办"), ("recommendation", "三项建议")])
    kind = forms.ChoiceField(label="方式/类别", required=False, choices=[
        ("", "全部"), *Supervision.Kind.choices, *Recommendation.Kind.choices])
    unit = forms.IntegerField(label="责任单位", required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *STATES.items()])
