"""Forms of the inbox: its filters, a saved view, the bulk 转送/交办."""

from django import forms

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.models import Category, Channel
from xinfang.supervision.inbox import STEPS

BULK_ACTIONS = (("forward", "转送"), ("assign", "交办"))


class InboxFilterForm(forms.Form):
    step = forms.ChoiceField(label="步骤", required=False, choices=[("", "全部")] + [(s.key, s.label) for s in STEPS])
    handling_org = forms.TypedChoiceField(label="责任单位", required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label="信访形式", required=False, choices=[("", "全部"), *Channel.choices])
    category = forms.TypedChoiceField(label="问题分类", required=False, coerce=int, empty_value=None)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, handling_orgs: list[Org], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_org"].choices = [("", "全部")] + [(org.pk, org.name) for org in handling_orgs]
        self.fields["category"].choices = [("", "全部")] + [
            (c.pk, c.name) for c in Category.objects.filter(parent__isnull=True).order_by("code")]


class SavedViewForm(forms.Form):
    name = forms.CharField(label="视图名称", max_length=80)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


def bulk_destinations(user: User) -> list[Org]:
    """Organs with power to handle in the user's scope (destination_allowed refuses any other one)."""
    orgs = Org.objects.filter(is_active=True, may_handle=True).exclude(kind=Org.Kind.PETITION_OFFICE)
    scope = user_scope_org_ids(user=user)
    if scope is not None:
        orgs = orgs.filter(pk__in=scope)
    return list(orgs.order_by("path"))


class BulkDispatchForm(forms.Form):
    action = forms.ChoiceField(label="操作", choices=BULK_ACTIONS)
    handling_org = forms.TypedChoiceField(label="责任单位", coerce=int)
    petitions = forms.TypedMultipleChoiceField(label="信访事项", coerce=int)

    def __init__(self, *args, user: User, petition_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_org"].choices = [("", "请选择")] + [(o.pk, o.name) for o in bulk_destinations(user)]
        self.fields["petitions"].choices = petition_choices
