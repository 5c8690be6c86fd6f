"""The statistics rollup (docs/STATISTICS.md, "Rollups"): each petition's contribution to the heavy figures,
added up by viewer, calendar period and petition dimensions, so a closed month, quarter or year is read from a
few hundred rows instead of a million petitions' clocks."""

from django.db import models


class RollupCell(models.Model):
    """The sum, over the petitions of one viewer's scope, of their contribution to one aggregate of a period."""

    class Kind(models.TextChoices):
        MONTH = "m", "月"
        QUARTER = "q", "季度"
        YEAR = "y", "年"

    # 0: no scope (the command line, superusers); else the org at the top of a reader's scope.
    node = models.IntegerField()
    kind = models.CharField(max_length=1, choices=Kind.choices)
    start = models.DateField()
    key = models.CharField(max_length=80)  # the aggregate's key in indicators.compute ("registered__num" …)
    channel = models.CharField(max_length=32)
    category = models.IntegerField()  # the top-level 问题分类 (0: none); integers, not NULL, so upserts match
    unit = models.IntegerField()  # the 责任单位, handling_org (0: kept by the office)
    value = models.BigIntegerField(default=0)

    class Meta:
        ordering = ("node", "kind", "start", "key")
        constraints = [models.UniqueConstraint(
            fields=("node", "kind", "start", "key", "channel", "category", "unit"), name="stats_rollupcell_unique")]

    def __str__(self) -> str:
        return f"{self.node} {self.kind}{self.start} {self.key}={self.value}"


class RollupNode(models.Model):
    """A viewer whose cells are kept: the org at the top of some user's scope, with that scope as it was built."""

    node = models.IntegerField(unique=True)
    org_ids = models.JSONField(default=list)  # the subtree a petition must touch to count for this viewer
    fingerprint = models.CharField(max_length=64)  # of org_ids: a reader whose scope differs reads live

    class Meta:
        ordering = ("node",)

    def __str__(self) -> str:
        return f"node {self.node} ({len(self.org_ids)} orgs)"


class RollupState(models.Model):
    """One row: whether the cells are built, and the last day through which every period is stored."""

    built = models.BooleanField(default=False)
    through = models.DateField(null=True)  # every month, quarter and year ending on or before it is stored
    built_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"rollup built={self.built} through={self.through}"


class RollupDirty(models.Model):
    """A petition whose contribution was taken out of the cells before a write and is not yet added back."""

    petition_id = models.BigIntegerField(primary_key=True)

    class Meta:
        ordering = ("petition_id",)

    def __str__(self) -> str:
        return f"dirty {self.petition_id}"
