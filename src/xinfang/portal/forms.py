"""The portal's forms: they parse what a visitor typed; the rules live in services (and petitions.services)."""

from django import forms

from xinfang.orgs.models import Org
from xinfang.petitions.models import Category, PetitionType
from xinfang.portal.selectors import categories, complained_orgs, localities
from xinfang.workflow.choices import Rating

COMPLAINT_TYPES = [(PetitionType.GRIEVANCE, "申诉求决（反映自己的权益问题，要求解决）"),
                   (PetitionType.ACCUSATION, "检举控告（检举公职人员或单位的违法违纪行为）")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class SubmitForm(forms.Form):
    petition_type = forms.ChoiceField(label="投诉类型", choices=COMPLAINT_TYPES, widget=forms.RadioSelect,
                                      error_messages={"required": "请选择投诉类型"})
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名"})
    phone = forms.CharField(label="手机号码", max_length=20, error_messages={"required": "请填写手机号码"},
                            help_text="查询办理进度时向此号码发送短信验证码",
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    id_number = forms.CharField(label="身份证号码（选填）", max_length=18, required=False,
                                help_text="填写后便于办理机关核实身份、合并您此前反映的同一事项")
    address = forms.CharField(label="住址（选填）", max_length=200, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    locality = OrgChoiceField(label="问题属地", queryset=Org.objects.none(), empty_label="请选择乡镇（街道）或村（社区）",
                              error_messages={"required": "请选择问题属地", "invalid_choice": "问题属地不存在"})
    category = forms.ModelChoiceField(label="问题分类", queryset=Category.objects.none(), empty_label="请选择",
                                      error_messages={"required": "请选择问题分类",
                                                      "invalid_choice": "问题分类不存在或已停用"})
    complained_org = OrgChoiceField(label="被反映（被检举控告）单位", queryset=Org.objects.none(), required=False,
                                    empty_label="（不涉及具体单位）",
                                    help_text="检举控告须选择被检举控告人所在单位：检举控告内容对其保密（第三十条）",
                                    error_messages={"invalid_choice": "被反映单位不存在"})
    summary = forms.CharField(label="标题（概况）", max_length=200, error_messages={"required": "请填写标题",
                                                                               "max_length": "标题不超过200字"})
    content = forms.CharField(label="反映内容（事实和理由）", widget=forms.Textarea(attrs={"rows": 8}),
                              error_messages={"required": "请填写反映内容"})
    demands = forms.CharField(label="诉求", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    attachments = MultipleFileField(label="附件（选填）", required=False,
                                    widget=MultipleFileInput(attrs={"multiple": True}),
                                    help_text="最多5个：PDF、图片、Word/Excel 文档、音视频或纯文本，按文件内容检查")
    consent = forms.BooleanField(label="我已阅读并同意《个人信息处理告知》", required=False)
    consent_version = forms.CharField(widget=forms.HiddenInput, required=False)
    captcha = forms.CharField(label="验证题", max_length=4, required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    captcha_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        # Querysets re-evaluated per form: organs added since start-up are offered.
        self.fields["locality"].queryset = localities()
        self.fields["category"].queryset = categories()
        self.fields["complained_org"].queryset = complained_orgs()
        if kind == "suggestion":
            self.fields["petition_type"].choices = [(PetitionType.SUGGESTION, "建议意见")]
            self.fields["petition_type"].initial = PetitionType.SUGGESTION
            self.fields["petition_type"].widget = forms.HiddenInput()
            self.fields["content"].label = "建议内容"
            self.fields["demands"].label = "具体建议"


class QueryForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=20, error_messages={"required": "请填写查询码"},
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    phone = forms.CharField(label="手机号码", max_length=20, error_messages={"required": "请填写手机号码"},
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    captcha = forms.CharField(label="验证题", max_length=4, required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    captcha_token = forms.CharField(widget=forms.HiddenInput, required=False)


class SmsCodeForm(forms.Form):
    sms_code = forms.CharField(label="短信验证码", max_length=6, error_messages={"required": "请填写短信验证码"},
                               widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                             "autocomplete": "one-time-code"}))


class EvaluateForm(forms.Form):
    rating = forms.ChoiceField(label="您对办理情况的评价", choices=Rating.choices, widget=forms.RadioSelect,
                               error_messages={"required": "请选择满意、基本满意或不满意"})
    comment = forms.CharField(label="意见（选填）", max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    reviewing_org = forms.TypedChoiceField(label="受理机关", coerce=int, choices=(),
                                           error_messages={"required": "请选择受理请求的机关",
                                                           "invalid_choice": "请选择受理请求的机关"})

    def __init__(self, *args, organs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewing_org"].choices = [(organ.pk, organ.name) for organ in organs]
