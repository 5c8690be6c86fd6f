"""A form for any rule of the procedure, built from the fields the rule requires."""

from django import forms

from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.selectors import org_jurisdiction, org_subtree
from xinfang.petitions.models import Petition
from xinfang.workflow.checks import urgent_report_organs
from xinfang.workflow.choices import OUTCOMES_BY_TYPE
from xinfang.workflow.fields import FIELDS
from xinfang.workflow.models import Clock
from xinfang.workflow.policy import current_policy
from xinfang.workflow.selectors import review_organs
from xinfang.workflow.rules import RULES, Rule


def _org_choices(*, name: str, rule: Rule, petition: Petition, user: User):
    if name == "reviewing_org":
        # Only the organs one level above the organ that handled (复查, Art 35) or reviewed (复核, Art 36).
        decided_by = petition.handling_org if rule.action == "request_review" else _reviewing_org(petition)
        organs = review_organs(decided_by=decided_by) if decided_by is not None else []
        return Org.objects.filter(pk__in=[organ.pk for organ in organs])
    if name == "report_to_org":
        # Art 25: the governments and petition offices above the reporting organ (checks.urgent_report_fits).
        organs = urgent_report_organs(user.org) if user.org else []
        return Org.objects.filter(pk__in=[organ.pk for organ in organs])
    orgs = org_subtree(org=org_jurisdiction(org=user.org)).filter(is_active=True) if user.org else Org.objects.none()
    if name == "pathway_org":
        return orgs.filter(kind=Org.Kind.POLITICAL_LEGAL)
    # A destination is an organ with the power to handle (checks.destination_allowed): not a village committee.
    return orgs.exclude(kind=Org.Kind.PETITION_OFFICE).filter(may_handle=True)


def _people(*, name: str, petition: Petition, user: User):
    if name == "assignee":
        # The handlers of the handling organ and the units inside it (checks.assignee_fits).
        handling = petition.handling_org
        return (User.objects.filter(is_active=True, roles__role=Role.HANDLER, org__path__startswith=handling.path)
                .exclude(pk=petition.assignee_id).order_by("username").distinct()
                if handling else User.objects.none())
    # Art 28: a person of the actor's own organ (checks.recusal_fits).
    return (User.objects.filter(is_active=True, org__path__startswith=user.org.path).order_by("username")
            if user.org else User.objects.none())


def _choices(*, name: str, spec, petition: Petition) -> list[tuple[str, str]]:
    if name == "late_action":
        # What a unit may enter late once approved: any action of the table but the approval itself.
        return [(rule.action, rule.label) for rule in RULES if rule.action != "approve_late_entry"]
    if name == "outcome":
        # Only the conclusions that fit the matter's type (checks.outcome_fits_type refuses the others).
        return [(outcome.value, outcome.label) for outcome in OUTCOMES_BY_TYPE[petition.petition_type]]
    return list(spec.choices.choices)


def _reviewing_org(petition: Petition) -> Org | None:
    """The organ that reviewed the matter: the org of its latest review clock."""
    clock = (Clock.objects.filter(petition=petition, kind=Clock.Kind.REVIEW_DECISION, voided=False)
             .select_related("org").order_by("-id").first())
    return clock.org if clock else None


def action_form_class(*, rule: Rule, petition: Petition, user: User) -> type[forms.Form]:
    fields: dict[str, forms.Field] = {
        "acted_on": forms.DateField(label="办理日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                    help_text=f"默认今天；早于今天的记为补录（录入日期一并留痕）。超过"
                                              f"{current_policy().late_entry_window_days}个工作日的，"
                                              "须由信访部门审核员填写补录理由后录入，或经其“批准补录”；不能早于上一步的办理日期"),
        "expected_version": forms.IntegerField(widget=forms.HiddenInput),
    }
    for name in rule.fields + rule.optional_fields:
        spec = FIELDS[name]
        required = name in rule.fields
        if spec.widget == "org":
            field = forms.ModelChoiceField(label=spec.label, required=required, empty_label="请选择",
                                           queryset=_org_choices(name=name, rule=rule, petition=petition, user=user))
        elif spec.widget == "select":
            field = forms.ChoiceField(label=spec.label, required=required,
                                      choices=[("", "请选择"), *_choices(name=name, spec=spec, petition=petition)])
        elif spec.widget == "user":
            people = _people(name=name, petition=petition, user=user)
            field = forms.ModelChoiceField(label=spec.label, required=required, empty_label="请选择", queryset=people)
        elif spec.widget == "date":
            field = forms.DateField(label=spec.label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
        elif spec.widget == "number":
            field = forms.IntegerField(label=spec.label, required=required, min_value=1)
        elif spec.widget == "textarea":
            field = forms.CharField(label=spec.label, required=required, widget=forms.Textarea(attrs={"rows": 3}))
        else:
            field = forms.CharField(label=spec.label, required=required)
        fields[name] = field
    # Why the action is entered late (补录), with any action (workflow.services.check_late_entry).
    fields["backdate_reason"] = forms.CharField(label=FIELDS["backdate_reason"].label, required=False,
                                                widget=forms.Textarea(attrs={"rows": 2}),
                                                help_text="仅补录时填写：为什么未在办理当日录入")
    return type(f"{rule.action.title()}Form", (forms.Form,), fields)


def form_values(cleaned: dict) -> dict:
    """The rule's values from a valid form: orgs by id, empty optional fields left out."""
    values = {}
    for name, value in cleaned.items():
        if name in ("acted_on", "expected_version") or value in (None, ""):
            continue
        values[name] = value.pk if isinstance(value, (Org, User)) else value
    return values
