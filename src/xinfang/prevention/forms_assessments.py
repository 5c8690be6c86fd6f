"""Forms of the 社会稳定风险评估 ledger and the 重大决策事项 register (parse only)."""

from django import forms

from xinfang.orgs.models import Org, User
from xinfang.prevention.assessments import MajorDecision, StabilityAssessment
from xinfang.prevention.disputes import RiskLevel
from xinfang.prevention.forms import DATE, TEXT, scoped_orgs
from xinfang.prevention.lists import AssessmentKind


class AssessmentForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="评估事项", max_length=200)
    kind = forms.ModelChoiceField(label="评估类别", queryset=AssessmentKind.objects.filter(is_active=True))
    decision = forms.ModelChoiceField(label="重大决策事项", queryset=MajorDecision.objects.none(), required=False,
                                      empty_label="（未登记为重大决策事项）")
    deciding_org = forms.ModelChoiceField(label="决策机关", queryset=Org.objects.none())
    assessing_body = forms.CharField(label="评估主体", max_length=100, help_text="评估的单位或受委托的第三方机构")
    assessed_on = forms.DateField(label="评估日期", widget=DATE)
    risk_level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    conclusion = forms.ChoiceField(label="评估结论", choices=StabilityAssessment.Conclusion.choices)
    summary = forms.CharField(label="主要风险及防范化解措施", max_length=10000, widget=TEXT, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        from xinfang.prevention.selectors import decisions_visible_to

        self.fields["decision"].queryset = decisions_visible_to(user=user)
        self.fields["deciding_org"].queryset = scoped_orgs(user)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审查结果", choices=[("pass", "备案通过"), ("return", "退回补充")])
    reason = forms.CharField(label="审查意见（退回补充须填写理由）", max_length=2000, widget=TEXT, required=False)


class DecisionForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="决策事项", max_length=200)
    kind = forms.ModelChoiceField(label="类别", queryset=AssessmentKind.objects.filter(is_active=True))
    deciding_org = forms.ModelChoiceField(label="决策机关", queryset=Org.objects.none())
    decided_on = forms.DateField(label="决策（拟决策）日期", widget=DATE)
    requires_assessment = forms.BooleanField(label="应当进行社会稳定风险评估", required=False, initial=True)
    exemption_reason = forms.CharField(label="无需评估的理由", max_length=300, required=False)
    note = forms.CharField(label="备注", max_length=5000, widget=TEXT, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deciding_org"].queryset = scoped_orgs(user)


class AssessmentFilterForm(forms.Form):
    start = forms.DateField(label="评估日期自", required=False, widget=DATE)
    end = forms.DateField(label="至", required=False, widget=DATE)
    kind = forms.ModelChoiceField(label="类别", queryset=AssessmentKind.objects.all(), required=False,
                                  empty_label="全部")
    conclusion = forms.ChoiceField(label="结论", choices=[("", "全部"), *StabilityAssessment.Conclusion.choices],
                                   required=False)
    filing = forms.ChoiceField(label="备案", choices=[("", "全部"), *StabilityAssessment.Filing.choices],
                               required=False)
