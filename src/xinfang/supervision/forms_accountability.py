"""Forms of 约谈, 限期整改 and 通报 (parse only; the services decide what is allowed)."""

import re

from django import forms

from xinfang.orgs.models import Org, User
from xinfang.supervision.accountability import Circular, Rectification
from xinfang.supervision.forms_records import DATE, _IssueForm, _unit_choices
from xinfang.supervision.selectors_accountability import RECTIFICATION_STATES


class PetitionNumbersField(forms.CharField):
    """信访件编号, several, separated by spaces, commas or 、 (resolved against what the user sees, in the view)."""

    def __init__(self, **kwargs):
        super().__init__(label=kwargs.pop("label", "相关信访件编号"), required=False, max_length=2000,
                         help_text="可填多个，以空格或逗号分隔", **kwargs)

    def clean(self, value) -> list[str]:
        text = super().clean(value)
        return [part for part in re.split(r"[\s,，、;；]+", text.upper()) if part]


class InterviewForm(_IssueForm):
    target_org = forms.ModelChoiceField(label="被约谈单位", queryset=Org.objects.none())
    interviewees = forms.CharField(label="约谈对象（姓名、职务）", max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}), help_text="每行一人，如：王某某，青石镇副镇长")
    held_on = forms.DateField(label="约谈日期", widget=DATE)
    subject = forms.CharField(label="约谈事由", max_length=200)
    content = forms.CharField(label="约谈情况（发现的问题）", max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    requirements = forms.CharField(label="整改要求", required=False, max_length=20000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    petition_numbers = PetitionNumbersField()
    due_days = forms.IntegerField(label="整改报告期限（工作日，自约谈日起）", required=False, min_value=1, max_value=365,
                                  help_text="不填日期也不填天数时按本地政策设定的期限")
    due_on = forms.DateField(label="或整改报告期限（日期）", required=False, widget=DATE)


class OrderForm(_IssueForm):
    target_org = forms.ModelChoiceField(label="整改单位", queryset=Org.objects.none())
    subject = forms.CharField(label="整改事由", max_length=200)
    content = forms.CharField(label="整改事项", max_length=20000, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="逐项列明需要整改的问题")
    requirements = forms.CharField(label="整改要求", required=False, max_length=20000,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    petition_numbers = PetitionNumbersField()
    issued_on = forms.DateField(label="签发日期", required=False, widget=DATE, help_text="不填为今天")
    due_days = forms.IntegerField(label="整改期限（工作日）", required=False, min_value=1, max_value=365,
                                  help_text="按签发机关的工作日历推算；不填日期也不填天数时按本地政策设定的期限")
    due_on = forms.DateField(label="或整改期限（日期）", required=False, widget=DATE)


FORMS = {Rectification.Kind.INTERVIEW: InterviewForm, Rectification.Kind.ORDER: OrderForm}


class ReportForm(forms.Form):
    report = forms.CharField(label="整改情况", max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    reported_on = forms.DateField(label="报送日期", required=False, widget=DATE, help_text="不填为今天")


class CheckForm(forms.Form):
    passed = forms.TypedChoiceField(label="验收结论", coerce=lambda value: value == "yes",
                                    choices=[("yes", "验收通过"), ("no", "验收未通过，重新整改")],
                                    widget=forms.RadioSelect)
    note = forms.CharField(label="验收意见", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    due_days = forms.IntegerField(label="重新整改期限（工作日）", required=False, min_value=1, max_value=365,
                                  help_text="验收未通过时填写；不填按本地政策设定的期限")
    due_on = forms.DateField(label="或重新整改期限（日期）", required=False, widget=DATE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_on") and cleaned.get("due_days"):
            raise forms.ValidationError("重新整改期限请填写日期或工作日数之一")
        return cleaned


class RectificationFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *Rectification.Kind.choices])
    unit = forms.IntegerField(label="责任单位", required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *RECTIFICATION_STATES.items()])


class CircularForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Circular.Kind.choices)
    title = forms.CharField(label="标题", max_length=200, help_text="如：关于青石镇信访事项办理不及时的通报")
    units = forms.ModelMultipleChoiceField(label="通报单位", queryset=Org.objects.none(), help_text="按住 Ctrl 键可多选",
                                           widget=forms.SelectMultiple(attrs={"size": 8}))
    body = forms.CharField(label="正文", max_length=50000, widget=forms.Textarea(attrs={"rows": 10}))
    petition_numbers = PetitionNumbersField(label="涉及信访件编号")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = _unit_choices(user)


class CircularFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *Circular.Kind.choices])
    unit = forms.IntegerField(label="通报单位", required=False)
    year = forms.IntegerField(label="年度", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *Circular.Status.choices])
