"""The editable lists in the admin (superusers): add, rename, reorder or retire entries; never delete one in use."""

from django.contrib import admin

from xinfang.prevention.lists import AssessmentKind, CampaignKind, DisputeField


class ListEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # records keep their entry (PROTECT); retire it with is_active instead


for model in (DisputeField, CampaignKind, AssessmentKind):
    admin.site.register(model, ListEntryAdmin)
