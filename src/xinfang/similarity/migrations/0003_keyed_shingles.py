"""The shingle hashes are keyed with a secret from the data key (minhash.set_secret): hashes stored before
cannot be compared with new ones. The index is derived data, so it is emptied here; `xinfang similarity
rebuild` fills it again (docs/SIMILARITY.md). Until then repeat candidates come from identity alone."""

from django.db import migrations


def empty_index(apps, schema_editor):
    PetitionShingles = apps.get_model("similarity", "PetitionShingles")
    BandKey = apps.get_model("similarity", "BandKey")
    if PetitionShingles.objects.exists():
        print("\n  相似内容索引已改为带密钥的哈希，旧索引已清空：请运行 `xinfang similarity rebuild` 重建。")
    BandKey.objects.all().delete()
    PetitionShingles.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("similarity", "0002_bandkey_composite_primary_key")]

    operations = [migrations.RunPython(empty_index, migrations.RunPython.noop)]
