"""Forms of the 积案/包案 ledger and the 群众信访问题清单 (parse only; the services decide what is allowed)."""

from django import forms

from xinfang.orgs.models import User
from xinfang.prevention.backlog import BacklogCase, ProblemListItem
from xinfang.prevention.forms import TEXT, scoped_orgs
from xinfang.prevention.selectors_backlog import leaders_visible_to

# An <input type=date> takes only ISO dates: the zh-hans format (2026/12/03) would show it empty.
DATE = forms.DateInput(attrs={"type": "date"})  # ISO by the locale formats (config/formats)


class CaseForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    petition = forms.IntegerField(required=False, widget=forms.HiddenInput)
    summary = forms.CharField(label="积案名称", max_length=300)
    source = forms.ChoiceField(label="来源", choices=BacklogCase.Source.choices)
    batch = forms.CharField(label="交办批次", max_length=100, required=False, help_text="上级交办的必填，如“治重化积”")
    batch_number = forms.CharField(label="交办编号", max_length=50, required=False)
    assigned_on = forms.DateField(label="交办（列入）日期", widget=DATE)
    responsible_org = forms.ModelChoiceField(label="责任单位", queryset=None)
    leader = forms.ModelChoiceField(label="包案领导", queryset=None)
    task_force = forms.CharField(label="工作专班", max_length=2000, widget=TEXT, required=False,
                                 help_text="专班成员及分工")
    due_on = forms.DateField(label="化解期限", widget=DATE)
    note = forms.CharField(label="修改说明", max_length=500, required=False)

    def __init__(self, *args, user: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_org"].queryset = scoped_orgs(user)
        self.fields["leader"].queryset = leaders_visible_to()
        if editing:
            del self.fields["petition"]
        else:
            del self.fields["note"]


class EntryForm(forms.Form):
    done_on = forms.DateField(label="日期", widget=DATE)
    content = forms.CharField(label="工作内容", max_length=5000, widget=TEXT)
    done_by = forms.CharField(label="办理人", max_length=100)


class ReportForm(forms.Form):
    reported_on = forms.DateField(label="报结日期", widget=DATE)
    resolution = forms.CharField(label="化解情况", max_length=5000, widget=TEXT, help_text="如何化解、群众是否满意")


class CaseVerifyForm(forms.Form):
    decision = forms.ChoiceField(label="核实结果", choices=[("approve", "核实通过，销号"), ("return", "核实不通过，退回")])
    struck_off_on = forms.DateField(label="销号日期", widget=DATE, required=False)
    reason = forms.CharField(label="退回理由", max_length=2000, widget=TEXT, required=False)


class BacklogFilterForm(forms.Form):
    start = forms.DateField(label="交办日期自", required=False, widget=DATE)
    end = forms.DateField(label="至", required=False, widget=DATE)
    org = forms.ModelChoiceField(label="责任单位", queryset=None, required=False, empty_label="全部")
    source = forms.ChoiceField(label="来源", choices=[("", "全部"), *BacklogCase.Source.choices], required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *BacklogCase.Status.choices,
                                                    ("overdue", "超期未销号")], required=False)
    leader = forms.ModelChoiceField(label="包案领导", queryset=None, required=False, empty_label="全部")
    mine = forms.BooleanField(label="我的包案", required=False)
    batch = forms.CharField(label="交办批次", max_length=100, required=False)
    q = forms.CharField(label="关键词", max_length=50, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scoped_orgs(user)
        self.fields["leader"].queryset = leaders_visible_to()


class ProblemForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    summary = forms.CharField(label="问题", max_length=300)
    responsible_person = forms.CharField(label="责任人", max_length=50)
    responsible_org = forms.ModelChoiceField(label="责任单位", queryset=None)
    listed_on = forms.DateField(label="列入日期", widget=DATE)
    due_on = forms.DateField(label="限时销号日期", widget=DATE)
    note = forms.CharField(label="化解情况", max_length=5000, widget=TEXT, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_org"].queryset = scoped_orgs(user)


class StrikeOffForm(forms.Form):
    struck_off_on = forms.DateField(label="销号日期", widget=DATE)
    note = forms.CharField(label="化解情况", max_length=5000, widget=TEXT)


PROBLEM_STATUSES = [("", "全部"), *ProblemListItem.Status.choices, ("overdue", "超期未销号")]
