from django.contrib import admin

from xinfang.notifications.models import ContactPoint


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin):
    list_display = ["user", "mobile", "sms_enabled", "email_enabled"]
    search_fields = ["user__username", "user__full_name"]
