"""The editable lists of 普法宣传 (宣传形式, 宣传资料种类): an administrator adds, renames or retires entries."""

from django.contrib import admin

from xinfang.publicity.models import ActivityForm, MaterialKind


@admin.register(ActivityForm)
class ActivityFormAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(MaterialKind)
class MaterialKindAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "order", "is_active")
    list_editable = ("order", "is_active")
