"""Forms of the receptions ledger (parse only; the services decide what is allowed)."""

from django import forms

from xinfang.orgs.models import User
from xinfang.receptions.models import ReceptionKind, TimeSlot

# An ISO value, which a type=date input needs to show the initial day (the locale format would be dropped).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj}（{obj.org.name}）"


def _leaders(user: User):
    from xinfang.receptions.selectors import leaders_for

    return leaders_for(user=user)


class ScheduleForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    leader = LeaderChoiceField(label="接访领导", queryset=User.objects.none())
    scheduled_on = forms.DateField(label="接访日期", widget=DATE)
    slot = forms.ChoiceField(label="时段", choices=TimeSlot.choices)
    kind = forms.ChoiceField(label="接访方式", choices=ReceptionKind.choices)
    place = forms.CharField(label="接访地点", max_length=200)
    topics = forms.CharField(label="接访主题", max_length=300, required=False,
                             help_text="如：征地拆迁、欠薪讨薪；公布后在接访安排公开列表中显示")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _leaders(user)


class ReceptionForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    schedule = forms.IntegerField(required=False, widget=forms.HiddenInput)
    leader = LeaderChoiceField(label="接访领导", queryset=User.objects.none())
    received_on = forms.DateField(label="接访日期", widget=DATE)
    kind = forms.ChoiceField(label="接访方式", choices=ReceptionKind.choices)
    place = forms.CharField(label="接访地点", max_length=200)
    batches = forms.IntegerField(label="批次", min_value=0, initial=0)
    person_times = forms.IntegerField(label="人次", min_value=0, initial=0)
    amount = forms.DecimalField(label="涉及资金（万元）", min_value=0, max_digits=12, decimal_places=2, required=False,
                                initial="0.00")
    summary = forms.CharField(label="接访情况", max_length=5000, widget=TEXT, required=False)
    instructions = forms.CharField(label="领导批示/要求", max_length=5000, widget=TEXT, required=False,
                                   help_text="对本次接访的总体要求；对某件的批示在接访记录页逐件登记")
    petition_numbers = forms.CharField(label="关联已登记信访件编号", max_length=2000, required=False,
                                       help_text="可填多个，以空格或逗号分隔；只能关联本人有权查看的信访件")
    note = forms.CharField(label="修改说明", max_length=500, required=False)

    def __init__(self, *args, user: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _leaders(user)
        if editing:
            self.fields["petition_numbers"].help_text = "填写要新增关联的信访件；取消关联在接访记录页操作"
        else:
            del self.fields["note"]


class LinkForm(forms.Form):
    petition_number = forms.CharField(label="信访件编号", max_length=40)
    instruction = forms.CharField(label="领导批示", max_length=2000, widget=TEXT, required=False)


class InstructionForm(forms.Form):
    instruction = forms.CharField(label="领导批示", max_length=2000, widget=TEXT)


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=300)


class ReceptionFilterForm(forms.Form):
    start = forms.DateField(label="日期自", required=False, widget=DATE)
    end = forms.DateField(label="至", required=False, widget=DATE)
    kind = forms.ChoiceField(label="接访方式", choices=[("", "全部"), *ReceptionKind.choices], required=False)
    leader = LeaderChoiceField(label="接访领导", queryset=User.objects.none(), required=False, empty_label="全部")
    mine = forms.BooleanField(label="只看我的", required=False)
    q = forms.CharField(label="关键词", max_length=50, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _leaders(user)
