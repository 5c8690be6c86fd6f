"""Seed the editable lists (纠纷领域, 排查类型, 评估类别): prevention.reference_data."""

from django.db import migrations

from xinfang.prevention.reference_data import lists_seed


def seed(apps, schema_editor):
    lists_seed(field_model=apps.get_model("prevention", "DisputeField"),
               campaign_kind_model=apps.get_model("prevention", "CampaignKind"),
               assessment_kind_model=apps.get_model("prevention", "AssessmentKind"))


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
