"""Forms of the inbox: its filters, a saved view, the bulk 转送/交办 and 指定承办人."""

from django import forms

from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.models import Category, Channel
from xinfang.supervision.inbox import STEPS
from xinfang.supervision.inbox_records import EXTRA_STEPS

BULK_ACTIONS = (("forward", "转送"), ("assign", "交办"))


def person_name(user: User) -> str:
    return user.full_name or user.username


def unit_handlers(user: User) -> list[User]:
    """The 承办人 of the user's unit and the units inside it (checks.assignee_fits refuses anyone else)."""
    if user.org is None:
        return []
    return list(User.objects.filter(is_active=True, roles__role=Role.HANDLER, org__path__startswith=user.org.path)
                .select_related("org").order_by("username").distinct())


def assignee_choices(user: User) -> list[tuple[str, str]]:
    """承办人 filter: mine (for a handler), nobody yet, and for a head each handler of the unit."""
    choices = [("", "全部")]
    if user.has_role(Role.HANDLER):
        choices.append(("me", "我承办的"))
    choices.append(("none", "未指定承办人"))
    if user.is_superuser or user.has_role(Role.HANDLING_ORG_HEAD):
        choices += [(str(person.pk), person_name(person)) for person in unit_handlers(user)]
    return choices


class InboxFilterForm(forms.Form):
    step = forms.ChoiceField(label="步骤", required=False, choices=[("", "全部")] + [
        (s.key, s.label) for s in (*STEPS, *EXTRA_STEPS)])
    handling_org = forms.TypedChoiceField(label="责任单位", required=False, coerce=int, empty_value=None)
    assignee = forms.ChoiceField(label="承办人", required=False)
    channel = forms.ChoiceField(label="信访形式", required=False, choices=[("", "全部"), *Channel.choices])
    category = forms.TypedChoiceField(label="问题分类", required=False, coerce=int, empty_value=None)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, handling_orgs: list[Org], user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_org"].choices = [("", "全部")] + [(org.pk, org.name) for org in handling_orgs]
        self.fields["assignee"].choices = assignee_choices(user)
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


class BulkAssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label="承办人", coerce=int)
    petitions = forms.TypedMultipleChoiceField(label="信访事项", coerce=int)

    def __init__(self, *args, user: User, petition_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "请选择")] + [
            (person.pk, f"{person_name(person)}（{person.org.name}）") for person in unit_handlers(user)]
        self.fields["petitions"].choices = petition_choices
