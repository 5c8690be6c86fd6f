"""Forms of the staff UI. They only parse input; the registration service does the validation that matters."""

import re

from django import forms
from django.utils import timezone
from pypinyin import Style, lazy_pinyin, pinyin

from xinfang.notifications.models import SmsConsent
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


def pinyin_keys(text: str) -> tuple[str, str]:
    """What the type-ahead matches a label on: (initials, full pinyin), lower case.

    The initials are one token per character, each holding every initial the character may be read with, so a
    polyphone matches either reading: "白沙镇长乐村" gives "b bs z zc ly c" ("bszclc" or "bszzlc" both match).
    pypinyin reads 长乐 as zhangle in a phrase, though the place is Changle. Letters and digits stay themselves;
    spaces and "/" are left out. The full pinyin is the phrase reading: "拖欠工资" gives "tuoqiangongzi".
    """
    tokens = []
    for char in text:
        if char.isspace() or char == "/":
            continue
        readings = pinyin(char, style=Style.FIRST_LETTER, heteronym=True, errors="default")[0]
        tokens.append("".join(dict.fromkeys(reading.lower() for reading in readings)))
    full = "".join(lazy_pinyin(text, errors="default"))
    return " ".join(tokens), re.sub(r"[\s/]", "", full).lower()


class SearchSelect(forms.Select):
    """A select that static/xinfang/searchselect.js turns into a type-ahead (characters and pinyin initials).

    The pinyin is computed here, on the server (pypinyin), and sent as data attributes of each option; the
    plain select still works without JavaScript. Options of an org list carry their depth in the tree
    (data-depth) and their parent's name (data-parent), which the filtered list shows, and their 简称
    (data-alias, data-alias-py) is matched too.
    """

    def __init__(self, attrs=None):
        super().__init__({"data-search": "", **(attrs or {})})

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is None:
            return option
        initials, full = pinyin_keys(getattr(instance, "search_label", str(label)).strip("\u3000"))
        option["attrs"].update({"data-py": initials, "data-pinyin": full})
        if hasattr(instance, "tree_depth"):
            option["attrs"]["data-depth"] = str(instance.tree_depth)
            option["attrs"]["data-parent"] = instance.tree_parent_name
        alias = getattr(instance, "short_name", "")
        if alias:
            # Clerks name a unit by its 简称: "区人社局", "rsj".
            option["attrs"].update({"data-alias": alias, "data-alias-py": pinyin_keys(alias)[0]})
        return option


class CategoryChoiceField(forms.ModelChoiceField):
    widget = SearchSelect

    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.parent.name} / {obj.name}" if obj.parent_id else obj.name


class TreeOrderIterator(forms.models.ModelChoiceIterator):
    """Orgs depth first, siblings by 行政区划代码 then id (orgs without a code after those with one).

    The path order of the queryset is depth first too, but sorts ids as text ("/1/10/" before "/1/9/").
    Depth is counted from the list's top org, so a township clerk's list is not indented three levels deep.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        orgs = list(self.queryset)
        codes = {org.pk: org.region_code or "~" for org in orgs}
        orgs.sort(key=lambda org: [(codes.get(pk, ""), pk) for pk in org.ancestor_ids])
        names = {org.pk: org.name for org in orgs}
        top = min((len(org.ancestor_ids) for org in orgs), default=1)
        for org in orgs:
            org.tree_depth = min(len(org.ancestor_ids) - top, 4)
            parent_id = org.ancestor_ids[-2] if len(org.ancestor_ids) > 1 else None
            org.tree_parent_name = names.get(parent_id, "")
            org.search_label = org.name
            yield self.choice(org)


class OrgChoiceField(forms.ModelChoiceField):
    widget = SearchSelect
    iterator = TreeOrderIterator

    def label_from_instance(self, obj: Org) -> str:
        depth = getattr(obj, "tree_depth", 0)
        return "\u3000" * depth + obj.name


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
    # Registered from a 领导接访 record (receptions app): linked to it in the same transaction.
    reception = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Shown only after the service found a registration like this one minutes ago (services.PossibleDuplicate).
    confirm_not_duplicate = forms.BooleanField(label="确认不是重复登记", required=False)

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
    # Consent to SMS at the 告知 steps (xinfang.notifications.consent), recorded with the registration.
    sms_consent = forms.BooleanField(label="同意接收短信告知", required=False)
    sms_consent_method = forms.ChoiceField(label="表示方式", choices=SmsConsent.Method.choices,
                                           initial=SmsConsent.Method.ORAL, required=False)

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
