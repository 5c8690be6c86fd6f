from django.contrib import admin

from xinfang.audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written from the admin: these rows change only through audited services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only, even for administrators."""

    list_display = ["id", "occurred_at", "actor_label", "action", "target_type", "target_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id", "action"]
