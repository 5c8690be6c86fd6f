"""Forms of the privacy pages: they parse what was typed; the rules live in services."""

from django import forms

from xinfang.petitions.models import Channel
from xinfang.privacy.models import DataRequest


class RequestForm(forms.Form):
    petition_number = forms.CharField(label="信访件编号", max_length=40,
                                      help_text="信访人参与的任一信访事项", error_messages={"required": "请填写信访件编号"})
    position = forms.IntegerField(label="信访人序号", min_value=1, initial=1, help_text="该事项的第几名信访人",
                                  error_messages={"required": "请填写信访人序号", "min_value": "序号从1开始"})
    kind = forms.ChoiceField(label="申请类型", choices=DataRequest.Kind.choices)
    received_on = forms.DateField(label="收到日期", widget=forms.DateInput(attrs={"type": "date"}),
                                  error_messages={"required": "请填写收到日期", "invalid": "日期格式应为YYYY-MM-DD"})
    channel = forms.ChoiceField(label="提出方式", choices=Channel.choices)
    asked = forms.CharField(label="申请内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                            error_messages={"required": "请填写申请内容"})
    new_name = forms.CharField(label="更正后姓名", max_length=50, required=False)
    new_phone = forms.CharField(label="更正后联系电话", max_length=20, required=False)
    new_address = forms.CharField(label="更正后住址", max_length=200, required=False)


class DecideForm(forms.Form):
    grant = forms.TypedChoiceField(label="决定", coerce=lambda value: value == "1",
                                   choices=(("1", "同意"), ("0", "不予同意")), widget=forms.RadioSelect,
                                   error_messages={"required": "请选择同意或不予同意"})
    reason = forms.CharField(label="决定理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             required=False)
    answered_on = forms.DateField(label="答复日期", widget=forms.DateInput(attrs={"type": "date"}), required=False)


class HoldForm(forms.Form):
    TARGETS = (("petition", "信访事项"), ("petitioner", "该事项的一名信访人"))

    petition_number = forms.CharField(label="信访件编号", max_length=40, error_messages={"required": "请填写信访件编号"})
    target = forms.ChoiceField(label="保全对象", choices=TARGETS, initial="petition", widget=forms.RadioSelect)
    position = forms.IntegerField(label="信访人序号", min_value=1, initial=1, required=False,
                                  help_text="保全对象为信访人时填写")
    reason = forms.CharField(label="保全理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             required=False)


class ReleaseForm(forms.Form):
    reason = forms.CharField(label="解除理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                             required=False)
