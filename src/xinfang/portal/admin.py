from django.contrib import admin

from xinfang.portal.models import ConsentNotice


@admin.register(ConsentNotice)
class ConsentNoticeAdmin(admin.ModelAdmin):
    """A new version is added, never edited once agreed to (the petitions keep the version they accepted)."""

    list_display = ("version", "title", "published_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.submissions.exists():
            return ("version", "title", "text", "published_at")
        return ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.submissions.exists()
