"""The near-duplicate index: each petition's shingle hashes, and its LSH band keys.

Both tables refer to the petition without a database constraint: the benchmark indexes synthetic ids
with no petition rows, and a band row left behind by a deleted petition is harmless (lookups re-rank
through `PetitionShingles`, whose row does go with the petition).
"""

from django.db import models


class PetitionShingles(models.Model):
    """The sorted, distinct 32-bit shingle hashes of a petition's normalised text (little-endian uint32).

    Lookups re-rank candidates by exact Jaccard on these, and the band keys are recomputed from them,
    so a re-index removes exactly the old keys.
    """

    petition = models.OneToOneField("petitions.Petition", on_delete=models.CASCADE, primary_key=True,
                                    db_constraint=False, related_name="+", verbose_name="信访事项")
    hashes = models.BinaryField("特征值")

    class Meta:
        verbose_name = "内容特征"
        verbose_name_plural = "内容特征"

    def __str__(self) -> str:
        return f"{self.petition_id}: {len(self.hashes) // 4}"


class BandKey(models.Model):
    """One LSH band of one petition's MinHash signature: petitions sharing a key are candidates.

    The key mixes the band's number with its rows, so one column serves all bands. The primary key is
    (key, petition), and it is the table's only index: it covers the lookup (a key's newest members) and
    the delete of a re-indexed petition's keys. On SQLite the table is `WITHOUT ROWID` (migration 0002),
    so the rows live in that one B-tree instead of in a table plus an index repeating both columns:
    at a million petitions (32 million rows) that halves the band table on disk.
    """

    pk = models.CompositePrimaryKey("key", "petition")
    key = models.BigIntegerField("分段键")
    petition = models.ForeignKey("petitions.Petition", on_delete=models.DO_NOTHING, db_constraint=False,
                                 db_index=False, related_name="+", verbose_name="信访事项")

    class Meta:
        verbose_name = "分段键"
        verbose_name_plural = "分段键"

    def __str__(self) -> str:
        return f"{self.key} → {self.petition_id}"
