"""The 违法信访行为 pages' forms: an incident with its first person and measure; a further measure; evidence."""

from django import forms

from xinfang.order.models import ConductKind, MeasureKind
from xinfang.order.permissions import scope_org_ids
from xinfang.orgs.models import Org


def _orgs(user, **filters):
    queryset = Org.objects.filter(is_active=True, **filters).order_by("path")
    scope = scope_org_ids(user)
    return queryset if scope is None else queryset.filter(pk__in=scope)


class MeasureFields(forms.Form):
    measure_kind = forms.ChoiceField(label="处置措施", choices=[("", "（未采取）")] + MeasureKind.choices,
                                     required=False)
    taken_on = forms.DateField(label="采取日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    organ = forms.ModelChoiceField(label="采取机关", queryset=Org.objects.none(), required=False,
                                   help_text="治安管理处罚、刑事强制措施由公安机关采取：选择政法机关或填写名称")
    organ_name = forms.CharField(label="采取机关名称", max_length=100, required=False)
    document_number = forms.CharField(label="文书编号", max_length=60, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organ"].queryset = Org.objects.filter(is_active=True).order_by("path")


class IncidentForm(MeasureFields):
    occurred_on = forms.DateField(label="发生日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="发生地点", max_length=200)
    kind = forms.ChoiceField(label="行为类型（条例第二十六条）", choices=ConductKind.choices)
    description = forms.CharField(label="行为经过", widget=forms.Textarea(attrs={"rows": 4}))
    locality = forms.ModelChoiceField(label="属地", queryset=Org.objects.none())
    person_name = forms.CharField(label="涉及人员", max_length=500,
                                  help_text="多人用顿号或逗号分隔；措施对象为第一人")
    petition_numbers = forms.CharField(label="关联信访件编号", required=False,
                                       help_text="多个编号用空格或逗号分隔；只能关联您有权查看的信访件")

    field_order = ["occurred_on", "place", "kind", "description", "locality", "person_name", "petition_numbers"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["locality"].queryset = _orgs(user, kind__in=(Org.Kind.GOVERNMENT, Org.Kind.TOWNSHIP,
                                                                 Org.Kind.VILLAGE))


class IncidentEditForm(forms.Form):
    """An incident's facts, persons to add (names), persons to remove (checked; names masked as on the page)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    occurred_on = forms.DateField(label="发生日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="发生地点", max_length=200)
    kind = forms.ChoiceField(label="行为类型（条例第二十六条）", choices=ConductKind.choices)
    description = forms.CharField(label="行为经过", widget=forms.Textarea(attrs={"rows": 4}))
    locality = forms.ModelChoiceField(label="属地", queryset=Org.objects.none())
    add_persons = forms.CharField(label="增加涉及人员", max_length=500, required=False,
                                  help_text="多人用顿号或逗号分隔")
    remove_persons = forms.MultipleChoiceField(label="移除涉及人员", required=False,
                                               widget=forms.CheckboxSelectMultiple,
                                               help_text="已有处置措施的人员不能移除")

    def __init__(self, *args, user, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = _orgs(user, kind__in=(Org.Kind.GOVERNMENT, Org.Kind.TOWNSHIP,
                                                                 Org.Kind.VILLAGE))
        self.fields["remove_persons"].choices = [(person.pk, person.masked_name)
                                                 for person in incident.persons.order_by("pk")]


class MeasureForm(MeasureFields):
    person = forms.ChoiceField(label="对象")

    field_order = ["person"]

    def __init__(self, *args, user, incident, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["measure_kind"].required = True
        self.fields["measure_kind"].choices = MeasureKind.choices
        self.fields["person"].choices = [(person.pk, person.masked_name) for person in incident.persons.all()]


class EvidenceForm(forms.Form):
    file = forms.FileField(label="证据材料")


class SearchForm(forms.Form):
    q = forms.CharField(label="检索", required=False, max_length=100)
    kind = forms.ChoiceField(label="行为类型", choices=[("", "全部")] + ConductKind.choices, required=False)
