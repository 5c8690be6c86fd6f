"""Forms of the 访调对接 and 导入诉讼 ledgers (parse only; the services decide what is allowed)."""

from django import forms

from xinfang.orgs.models import User
from xinfang.prevention.forms import TEXT, scoped_orgs
from xinfang.prevention.forms_backlog import DATE
from xinfang.prevention.referrals import Referral


def _amount(label: str, **kwargs) -> forms.DecimalField:
    # Decimal, never float: 万元 exact to the fen. The services refuse a negative or a third decimal as well.
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, initial="0.00", **kwargs)


class ReferralForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    summary = forms.CharField(label="事项概况", max_length=300)
    petition_number = forms.CharField(label="信访件编号", max_length=40, required=False,
                                      help_text="可不填；只能关联本人有权查看的信访件")
    dispute_number = forms.CharField(label="矛盾纠纷编号", max_length=40, required=False, help_text="如 纠纷〔2026〕3号")
    path = forms.ChoiceField(label="对接渠道", choices=Referral.Path.choices)
    receiving_body = forms.CharField(label="接收机构", max_length=100, help_text="如区人民法院诉调对接中心")
    responsible_org = forms.ModelChoiceField(label="责任单位", queryset=None)
    referred_on = forms.DateField(label="移交日期", widget=DATE)
    person_times = forms.IntegerField(label="当事人人次", min_value=1, initial=1)
    amount_involved = _amount("涉及金额（万元）")
    outcome = forms.ChoiceField(label="结果", choices=Referral.Outcome.choices, initial=Referral.Outcome.PENDING)
    outcome_on = forms.DateField(label="结果日期", widget=DATE, required=False, help_text="进行中的不填")
    amount_recovered = _amount("到位金额（万元）", help_text="调解成功后兑现、追回的金额")
    note = forms.CharField(label="备注", max_length=5000, widget=TEXT, required=False)
    change_note = forms.CharField(label="修改说明", max_length=500, required=False)

    def __init__(self, *args, user: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_org"].queryset = scoped_orgs(user)
        if editing:
            del self.fields["petition_number"], self.fields["dispute_number"]
        else:
            del self.fields["change_note"]


class ReferralFilterForm(forms.Form):
    start = forms.DateField(label="移交日期自", required=False, widget=DATE)
    end = forms.DateField(label="至", required=False, widget=DATE)
    org = forms.ModelChoiceField(label="责任单位", queryset=None, required=False, empty_label="全部")
    path = forms.ChoiceField(label="对接渠道", choices=[("", "全部"), *Referral.Path.choices], required=False)
    outcome = forms.ChoiceField(label="结果", choices=[("", "全部"), *Referral.Outcome.choices], required=False)
    q = forms.CharField(label="关键词", max_length=50, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scoped_orgs(user)


class LitigationForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="批次名称", max_length=200, help_text="如“2026年第二批涉法涉诉事项导入诉讼”")
    guided_on = forms.DateField(label="导入日期", widget=DATE)
    court = forms.CharField(label="受理法院", max_length=100)
    responsible_org = forms.ModelChoiceField(label="责任单位", queryset=None)
    case_count = forms.IntegerField(label="件数", min_value=1)
    person_times = forms.IntegerField(label="人次", min_value=1)
    amount = _amount("涉及金额（万元）")
    petition_numbers = forms.CharField(label="关联信访件编号", max_length=2000, required=False,
                                       help_text="可填多个，以空格或逗号分隔；只能关联本人有权查看的信访件")
    note = forms.CharField(label="备注", max_length=5000, widget=TEXT, required=False)
    change_note = forms.CharField(label="修改说明", max_length=500, required=False)

    def __init__(self, *args, user: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_org"].queryset = scoped_orgs(user)
        if not editing:
            del self.fields["change_note"]


class LitigationFilterForm(forms.Form):
    start = forms.DateField(label="导入日期自", required=False, widget=DATE)
    end = forms.DateField(label="至", required=False, widget=DATE)
    org = forms.ModelChoiceField(label="责任单位", queryset=None, required=False, empty_label="全部")
    q = forms.CharField(label="关键词", max_length=50, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scoped_orgs(user)
