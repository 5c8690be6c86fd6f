from django.contrib import admin
from django.db.models import CharField
from django.db.models.functions import Cast

from xinfang.audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written from the admin: these rows change only through audited services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class Art30Admin(ReadOnlyAdmin):
    """Rows about petitions, less those about an accusation hidden from the user (Art 30).

    The admin is for superusers, who see every org; but a superuser inside an accused unit is still inside
    it. `petition_lookups` are the paths from the row to the petitions it names ("pk" for petitions).
    """

    petition_lookups: tuple[str, ...] = ("petition",)

    def get_queryset(self, request):
        # Imported here: audit must not depend on petitions when it is loaded (petitions build on audit).
        from xinfang.petitions.selectors import petitions_hidden_from

        hidden = petitions_hidden_from(user=request.user).values("pk")
        queryset = super().get_queryset(request)
        for lookup in self.petition_lookups:
            queryset = queryset.exclude(**{f"{lookup}__in": hidden})
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only, even for administrators."""

    list_display = ["id", "occurred_at", "actor_label", "action", "target_type", "target_id", "ip_address"]

    def has_view_permission(self, request, obj=None):
        # 三权分立: the system administrator (staff) does not read the log; superusers do, auditors at /audit/.
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser
    list_filter = ["action", "version"]
    search_fields = ["actor_label", "target_id", "action"]

    def get_queryset(self, request):
        # Entries about a hidden accusation (its registration, steps, downloads) would tell that it exists.
        from xinfang.petitions.selectors import petitions_hidden_from

        hidden = petitions_hidden_from(user=request.user).annotate(text_id=Cast("pk", CharField())).values("text_id")
        return super().get_queryset(request).exclude(target_type="petitions.petition", target_id__in=hidden)
