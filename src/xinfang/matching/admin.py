"""Read-only admin: links, merges and repeat links change only through the audited services."""

from django.contrib import admin

from xinfang.audit.admin import Art30Admin, ReadOnlyAdmin
from xinfang.matching.models import IdentityLink, MassCluster, PetitionerMerge, RepeatLinkEvent, SkipLevelMark


@admin.register(IdentityLink)
class IdentityLinkAdmin(ReadOnlyAdmin):
    list_display = ["id", "petitioner_a_id", "petitioner_b_id", "method", "confidence", "reason", "dismissed_at"]
    list_filter = ["method"]


@admin.register(PetitionerMerge)
class PetitionerMergeAdmin(ReadOnlyAdmin):
    list_display = ["id", "source_id", "target_id", "reason", "merged_by", "merged_at", "unmerged_at"]


@admin.register(RepeatLinkEvent)
class RepeatLinkEventAdmin(Art30Admin):
    petition_lookups = ("petition", "first_petition_before", "first_petition_after")

    list_display = ["id", "petition", "action", "first_petition_before", "first_petition_after", "actor",
                    "occurred_at", "reason"]
    list_filter = ["action"]
    list_select_related = ["petition", "first_petition_before", "first_petition_after", "actor"]


@admin.register(SkipLevelMark)
class SkipLevelMarkAdmin(Art30Admin):
    list_display = ["petition", "is_skip_level", "reason", "decided_at"]
    list_filter = ["is_skip_level"]
    list_select_related = ["petition"]


@admin.register(MassCluster)
class MassClusterAdmin(Art30Admin):
    # A mass matter's stored totals count every member: one with a hidden accusation is not shown at all.
    petition_lookups = ("members__petition",)

    list_display = ["id", "title", "locality", "petition_count", "petitioner_count", "person_times",
                    "last_received_at"]
    list_select_related = ["locality"]
