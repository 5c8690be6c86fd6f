"""Forms of the dispute ledger (parse only; the services decide what is allowed)."""

import re

from django import forms

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.prevention.disputes import Dispute, DisputeBatch, RiskLevel, ScreeningCampaign
from xinfang.prevention.lists import CampaignKind, DisputeField
from xinfang.prevention.services_disputes import LOCALITY_KINDS

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


def scoped_orgs(user: User, *, kinds=None):
    queryset = Org.objects.filter(is_active=True)
    if kinds is not None:
        queryset = queryset.filter(kind__in=kinds)
    scope = user_scope_org_ids(user=user)
    if scope is not None:
        queryset = queryset.filter(pk__in=scope)
    return queryset.order_by("path")


def split_numbers(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,，、;；]+", text or "") if part)


class DisputeForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    found_on = forms.DateField(label="发现日期", widget=DATE)
    source = forms.ChoiceField(label="来源", choices=Dispute.Source.choices)
    campaign = forms.ModelChoiceField(label="排查活动", queryset=ScreeningCampaign.objects.none(), required=False,
                                      empty_label="（不是排查发现的）")
    batch = forms.CharField(label="批次", max_length=100, required=False,
                            help_text="同一集体事项（如同一楼盘业主集体反映）的各件纠纷填同一批次名称，计为一个批次；"
                                      "填新名称即新建批次；不填的，本件单独计为一个批次",
                            widget=forms.TextInput(attrs={"list": "dispute-batches"}))
    field = forms.ModelChoiceField(label="纠纷领域", queryset=DisputeField.objects.filter(is_active=True))
    summary = forms.CharField(label="纠纷概况", max_length=300)
    parties = forms.CharField(label="当事人", max_length=2000, widget=TEXT)
    person_times = forms.IntegerField(label="涉及人次", min_value=1, initial=1)
    amount = forms.DecimalField(label="涉及金额（万元）", min_value=0, max_digits=12, decimal_places=2, required=False,
                                initial="0.00")
    locality = forms.ModelChoiceField(label="属地（镇街或村社区）", queryset=Org.objects.none())
    risk_level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    responsible_org = forms.ModelChoiceField(label="责任单位", queryset=Org.objects.none())
    responsible_person = forms.CharField(label="责任人", max_length=50)
    deadline = forms.DateField(label="化解期限", widget=DATE, required=False)
    measures = forms.CharField(label="化解措施", max_length=5000, widget=TEXT, required=False)
    petition_numbers = forms.CharField(label="关联信访件编号", max_length=2000, required=False,
                                       help_text="可填多个，以空格或逗号分隔；只能关联本人有权查看的信访件")
    note = forms.CharField(label="修改说明", max_length=500, required=False)

    def __init__(self, *args, user: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from xinfang.prevention.selectors import campaigns_visible_to

        from xinfang.prevention.selectors import batches_visible_to

        self.fields["campaign"].queryset = campaigns_visible_to(user=user)
        # The existing batch names offered as suggestions (a datalist under the field).
        self.batch_titles = list(batches_visible_to(user=user).order_by("-id").values_list("title", flat=True)[:200])
        self.fields["locality"].queryset = scoped_orgs(user, kinds=LOCALITY_KINDS)
        self.fields["responsible_org"].queryset = Org.objects.filter(is_active=True).order_by("path")
        if not editing:
            del self.fields["note"]


class SettlementForm(forms.Form):
    outcome = forms.ChoiceField(label="化解情况", choices=Dispute.Outcome.choices)
    settled_on = forms.DateField(label="化解日期", widget=DATE, required=False)
    method = forms.ChoiceField(label="化解方式", choices=[("", "—"), *Dispute.Method.choices], required=False)
    note = forms.CharField(label="化解情况说明", max_length=5000, widget=TEXT, required=False)
    unsettled_reason = forms.CharField(label="未化解原因", max_length=5000, widget=TEXT, required=False)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(label="核实结果", choices=[("approve", "核实无误"), ("return", "退回")])
    reason = forms.CharField(label="退回理由", max_length=2000, widget=TEXT, required=False)


class CampaignForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="排查名称", max_length=200)
    kind = forms.ModelChoiceField(label="排查类型", queryset=CampaignKind.objects.filter(is_active=True))
    organiser = forms.ModelChoiceField(label="组织单位", queryset=Org.objects.none())
    started_on = forms.DateField(label="开始日期", widget=DATE)
    ended_on = forms.DateField(label="结束日期", widget=DATE, required=False)
    scope = forms.CharField(label="排查范围", max_length=200, required=False, help_text="如：全县各镇街、村（社区）")
    orgs = forms.ModelMultipleChoiceField(label="覆盖单位", queryset=Org.objects.none(), required=False,
                                          widget=forms.SelectMultiple(attrs={"size": 6}))
    note = forms.CharField(label="排查情况", max_length=5000, widget=TEXT, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = scoped_orgs(user)
        self.fields["orgs"].queryset = scoped_orgs(user, kinds=(Org.Kind.TOWNSHIP, Org.Kind.VILLAGE,
                                                                Org.Kind.DEPARTMENT))


class DisputeFilterForm(forms.Form):
    start = forms.DateField(label="发现日期自", required=False, widget=DATE)
    end = forms.DateField(label="至", required=False, widget=DATE)
    org = forms.ModelChoiceField(label="属地", queryset=Org.objects.none(), required=False, empty_label="全部")
    field = forms.ModelChoiceField(label="纠纷领域", queryset=DisputeField.objects.all(), required=False,
                                   empty_label="全部")
    risk_level = forms.ChoiceField(label="风险等级", choices=[("", "全部"), *RiskLevel.choices], required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *Dispute.Status.choices, ("overdue", "超期未化解")],
                               required=False)
    responsible_org = forms.ModelChoiceField(label="责任单位", queryset=Org.objects.none(), required=False,
                                             empty_label="全部")
    batch = forms.ModelChoiceField(label="批次", queryset=DisputeBatch.objects.none(), required=False, empty_label="全部")
    q = forms.CharField(label="关键词", max_length=50, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scoped_orgs(user, kinds=LOCALITY_KINDS)
        from xinfang.prevention.selectors import batches_visible_to, disputes_visible_to

        self.fields["batch"].queryset = batches_visible_to(user=user).order_by("-id")

        self.fields["responsible_org"].queryset = Org.objects.filter(
            pk__in=disputes_visible_to(user=user).values("responsible_org_id")).order_by("path")


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel文件（.xlsx）")
