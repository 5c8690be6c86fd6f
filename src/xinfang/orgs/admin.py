from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from xinfang.orgs.models import Org, User, UserRole
from xinfang.orgs.services import org_save


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "region_code", "parent", "may_handle", "is_active"]
    list_filter = ["kind", "level", "may_handle", "is_active"]
    search_fields = ["name", "short_name", "region_code"]
    autocomplete_fields = ["parent", "superior_department"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        org_save(org=obj, actor=request.user)


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "org", "is_active", "last_login"]
    list_filter = ["is_active", "roles__role", "org__kind"]
    search_fields = ["username", "full_name", "org__name"]
    autocomplete_fields = ["org"]
    inlines = [UserRoleInline]
    fieldsets = BaseUserAdmin.fieldsets + (("信访系统", {"fields": ("full_name", "org")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("信访系统", {"fields": ("full_name", "org")}),)
