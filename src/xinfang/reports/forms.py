from django import forms

from xinfang.reports.models import Report


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label="报告类型", choices=Report.Kind.choices)
    office = forms.ModelChoiceField(label="报告单位", queryset=None, empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              error_messages={"min_value": "年度应在2000至2100之间", "max_value": "年度应在2000至2100之间",
                                              "invalid": "请填写年度", "required": "请填写年度"})
    period = forms.IntegerField(label="季度/月份", required=False, min_value=1, max_value=12,
                                help_text="季度分析填1至4，月度分析填1至12；年度报告不填",
                                error_messages={"min_value": "季度/月份应为1至12", "max_value": "季度/月份应为1至12",
                                                "invalid": "季度/月份应为数字"})

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class NarrativeForm(forms.Form):
    text = forms.CharField(label="文字段落", required=False, widget=forms.Textarea(attrs={"rows": 8}))
