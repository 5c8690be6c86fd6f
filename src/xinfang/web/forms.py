"""Forms of the staff UI. They only parse input; the registration service does the validation that matters."""

from django import forms
from django.utils import timezone

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import org_jurisdiction, org_subtree
from xinfang.workflow.selectors import DEADLINE_FILTERS
from xinfang.petitions.models import Category, Channel, HotTopic, Petitioner, PetitionType, Urgency
from xinfang.petitions.validators import AMOUNT_DECIMAL_PLACES, MAX_AMOUNT_INVOLVED, MAX_PERSON_TIMES, MAX_PETITIONERS


def jurisdiction_orgs(user: User):
    """Active orgs of the user's jurisdiction: where localities and complained-about units are chosen from."""
    if user.org is None:
        return Org.objects.none()
    return org_subtree(org=org_jurisdiction(org=user.org)).filter(is_active=True)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.parent.name} / {obj.name}" if obj.parent_id else obj.name


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        depth = max(len(obj.ancestor_ids) - 1, 0)
        return "\u3000" * min(depth, 4) + obj.name


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern from Django's file-upload documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [single_file_clean(item, initial) for item in data if item]
        return [single_file_clean(data, initial)] if data else []


class PetitionForm(forms.Form):
    channel = forms.ChoiceField(label="信访形式", choices=Channel.choices, initial=Channel.VISIT)
    received_at = forms.DateTimeField(
        label="收到时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    person_times = forms.IntegerField(label="人数（人次）", min_value=1, max_value=MAX_PERSON_TIMES, required=False)
    source_reference = forms.CharField(label="来源编号", max_length=100, required=False)
    petition_type = forms.ChoiceField(label="信访类型", choices=PetitionType.choices, initial=PetitionType.GRIEVANCE)
    category = CategoryChoiceField(label="问题分类", queryset=Category.objects.none(), empty_label="请选择")
    locality = OrgChoiceField(label="问题属地", queryset=Org.objects.none(), empty_label="请选择")
    complained_org = OrgChoiceField(label="被反映单位", queryset=Org.objects.none(), required=False, empty_label="（无）",
                                    help_text="检举控告类必填：被检举控告人所在单位，该件对其保密")
    summary = forms.CharField(label="概况", max_length=200)
    content = forms.CharField(label="信访内容", widget=forms.Textarea(attrs={"rows": 5}))
    demands = forms.CharField(label="诉求", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    hot_topics = forms.ModelMultipleChoiceField(
        label="热点领域", queryset=HotTopic.objects.filter(is_active=True), required=False,
        widget=forms.CheckboxSelectMultiple, to_field_name="code",
    )
    amount_involved = forms.DecimalField(label="涉及金额（元）", required=False, min_value=0,
                                         max_value=MAX_AMOUNT_INVOLVED, decimal_places=AMOUNT_DECIMAL_PLACES)
    litigation_related = forms.BooleanField(label="涉法涉诉", required=False)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    attachments = MultipleFileField(label="附件", required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
            .order_by("parent__sort_order", "sort_order")
        )
        orgs = jurisdiction_orgs(user)
        self.fields["locality"].queryset = orgs.filter(
            kind__in=[Org.Kind.GOVERNMENT, Org.Kind.TOWNSHIP, Org.Kind.VILLAGE]
        )
        self.fields["complained_org"].queryset = orgs
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class PetitionerForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Petitioner.Kind.choices, initial=Petitioner.Kind.PERSON)
    name = forms.CharField(label="姓名/单位", max_length=100, required=False)
    id_number = forms.CharField(label="证件号码", max_length=30, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    is_representative = forms.BooleanField(label="代表", required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(name) for name in ("name", "id_number", "phone", "address"))


PetitionerFormSet = forms.formset_factory(PetitionerForm, extra=5, max_num=5, absolute_max=MAX_PETITIONERS)


class PetitionFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    channel = forms.ChoiceField(label="信访形式", choices=[("", "全部形式"), *Channel.choices], required=False)
    petition_type = forms.ChoiceField(label="信访类型", choices=[("", "全部类型"), *PetitionType.choices], required=False)
    category = forms.ModelChoiceField(
        label="问题分类", queryset=Category.objects.filter(parent__isnull=True), required=False, empty_label="全部分类"
    )
    deadline = forms.ChoiceField(label="期限", choices=[("", "不限"), *DEADLINE_FILTERS.items()], required=False)
    group_visit = forms.ChoiceField(label="集体访", choices=[("", "不限"), ("1", "仅集体访"), ("0", "非集体访")], required=False)
    received_from = forms.DateField(label="收到日期起", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看事由", max_length=200)
