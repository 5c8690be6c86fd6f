"""Load the shipped content classification and hot topics (editable in admin afterwards)."""

from django.db import migrations


def load(apps, schema_editor):
    from xinfang.petitions.reference_data import load_reference_data

    load_reference_data(apps.get_model("petitions", "Category"), apps.get_model("petitions", "HotTopic"))


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    # Reversing keeps the rows: they may be referenced by petitions and edited by administrators.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
