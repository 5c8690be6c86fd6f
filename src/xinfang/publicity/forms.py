"""Forms of 普法宣传 (parse only; the services decide what is allowed)."""

from django import forms

from xinfang.orgs.models import User
from xinfang.prevention.forms import DATE, TEXT, scoped_orgs
from xinfang.publicity.models import ActivityForm, MaterialKind


class ActivityEntryForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    held_on = forms.DateField(label="日期", widget=DATE)
    form = forms.ModelChoiceField(label="宣传形式", queryset=ActivityForm.objects.filter(is_active=True))
    topic = forms.CharField(label="主题", max_length=200, help_text="如：《信访工作条例》")
    place = forms.CharField(label="地点", max_length=200)
    organiser = forms.ModelChoiceField(label="组织单位", queryset=None)
    audience = forms.CharField(label="对象", max_length=200, required=False)
    person_times = forms.IntegerField(label="覆盖人次", min_value=1)
    note = forms.CharField(label="情况", max_length=5000, widget=TEXT, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = scoped_orgs(user)
        self.kinds = list(MaterialKind.objects.filter(is_active=True))
        for kind in self.kinds:
            self.fields[f"material_{kind.pk}"] = forms.IntegerField(
                label=f"发放{kind.name}（{kind.unit}）", min_value=0, required=False)

    def materials(self) -> tuple[tuple[int, int], ...]:
        return tuple((kind.pk, self.cleaned_data[f"material_{kind.pk}"]) for kind in self.kinds
                     if self.cleaned_data.get(f"material_{kind.pk}"))


class ReceiptForm(forms.Form):
    kind = forms.ModelChoiceField(label="资料种类", queryset=MaterialKind.objects.filter(is_active=True))
    org = forms.ModelChoiceField(label="入库单位", queryset=None)
    received_on = forms.DateField(label="入库日期", widget=DATE)
    quantity = forms.IntegerField(label="数量", min_value=1)
    source = forms.CharField(label="来源", max_length=100, required=False, help_text="如：上级下发、印制")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scoped_orgs(user)


class TrainingForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    held_on = forms.DateField(label="日期", widget=DATE)
    topic = forms.CharField(label="培训主题", max_length=200)
    trainer = forms.CharField(label="授课人", max_length=100)
    organiser = forms.ModelChoiceField(label="组织单位", queryset=None)
    attendees = forms.IntegerField(label="参训人数", min_value=1)
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, min_value=0)
    attendee_users = forms.ModelMultipleChoiceField(label="参训人员（可选）", queryset=None, required=False,
                                                    widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = scoped_orgs(user)
        self.fields["organiser"].queryset = orgs
        self.fields["attendee_users"].queryset = User.objects.filter(org__in=orgs, is_active=True).order_by("username")


class ExamForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    held_on = forms.DateField(label="日期", widget=DATE)
    title = forms.CharField(label="考试名称", max_length=200)
    organiser = forms.ModelChoiceField(label="组织单位", queryset=None)
    invited = forms.IntegerField(label="应考人数", min_value=1)
    participants = forms.IntegerField(label="参考人数", min_value=0)
    passes = forms.IntegerField(label="通过人数", min_value=0)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = scoped_orgs(user)
