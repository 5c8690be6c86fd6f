"""The editable lists' first entries: 宣传形式 and 宣传资料种类 (an office changes them in the admin)."""

from django.db import migrations

FORMS = ["宣讲", "集中宣传", "进村入户", "网络宣传", "以案释法", "其他"]
MATERIALS = [("《信访工作条例》单行本", "册"), ("宣传折页", "份"), ("宣传海报", "张"), ("宣传手册", "册")]


def seed(apps, schema_editor):
    ActivityForm = apps.get_model("publicity", "ActivityForm")
    MaterialKind = apps.get_model("publicity", "MaterialKind")
    for order, name in enumerate(FORMS, start=1):
        ActivityForm.objects.get_or_create(name=name, defaults={"order": order})
    for order, (name, unit) in enumerate(MATERIALS, start=1):
        MaterialKind.objects.get_or_create(name=name, defaults={"order": order, "unit": unit})


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
