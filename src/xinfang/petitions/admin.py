from django.contrib import admin

from xinfang.audit.admin import Art30Admin
from xinfang.petitions.models import Category, HotTopic, Petition


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "sort_order", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["code", "name"]


@admin.register(HotTopic)
class HotTopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Petition)
class PetitionAdmin(Art30Admin):
    """Read-only in admin: petitions change only through the services, which audit every write."""

    petition_lookups = ("pk",)

    list_display = ["number", "channel", "summary", "person_times", "received_at", "registering_org"]
    list_filter = ["channel", "petition_type", "is_group_visit"]
    search_fields = ["number"]
    show_full_result_count = False
    raw_id_fields = ["registering_org", "registered_by", "category", "locality", "complained_org"]
