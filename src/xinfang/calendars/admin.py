from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from xinfang.audit.admin import ReadOnlyAdmin
from xinfang.calendars.models import HolidaySchedule, OrgCalendarDay
from xinfang.calendars.services import (
    check_calendar_scope,
    org_calendar_day_remove,
    org_calendar_day_set,
)
from xinfang.orgs.selectors import user_scope_root


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(ReadOnlyAdmin):
    """Read-only: schedules are loaded with `xinfang holidays load`, which validates and audits them."""

    list_display = ["year", "is_current", "source", "replaces_official", "loaded_at", "loaded_by", "superseded_at"]
    list_filter = ["is_current", "year"]
    search_fields = ["source"]


class OrgCalendarDayForm(forms.ModelForm):
    class Meta:
        model = OrgCalendarDay
        fields = ["org", "date", "kind", "name"]

    def clean_org(self):
        # The service checks this too; here it becomes an error next to the field instead of a 403.
        org = self.cleaned_data["org"]
        try:
            check_calendar_scope(actor=self.request_user, org=org)
        except PermissionDenied as error:
            raise forms.ValidationError(str(error)) from None
        return org


@admin.register(OrgCalendarDay)
class OrgCalendarDayAdmin(admin.ModelAdmin):
    """Editable here, but every save and delete goes through the audited services."""

    form = OrgCalendarDayForm
    list_display = ["org", "date", "kind", "name", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["org__name", "name"]
    date_hierarchy = "date"
    autocomplete_fields = ["org"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("org")
        if request.user.is_superuser:
            return queryset
        root = user_scope_root(user=request.user)
        return queryset.filter(org__path__startswith=root.path) if root else queryset.none()

    def get_readonly_fields(self, request, obj=None):
        # An entry is keyed by (org, date): to move it, delete it and add another.
        return ["org", "date"] if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        result = org_calendar_day_set(org=obj.org, day=obj.date, kind=obj.kind, name=obj.name, actor=request.user)
        saved = result.entry
        obj.pk = saved.pk
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at
        self._report_recomputed(request, result.recomputed)

    def delete_model(self, request, obj):
        self._report_recomputed(request, org_calendar_day_remove(entry=obj, actor=request.user))

    def delete_queryset(self, request, queryset):
        recomputed = []
        for entry in queryset.select_related("org"):
            recomputed.extend(org_calendar_day_remove(entry=entry, actor=request.user))
        self._report_recomputed(request, recomputed)

    def _report_recomputed(self, request, recomputed) -> None:
        # The administrator sees which deadlines of the subtree their change moved.
        if not recomputed:
            return
        examples = "；".join(change.describe() for change in recomputed[:5])
        more = f"……共 {len(recomputed)} 个" if len(recomputed) > 5 else ""
        self.message_user(request, f"已重新计算 {len(recomputed)} 个未届满的期限：{examples}{more}",
                          level=messages.WARNING)
