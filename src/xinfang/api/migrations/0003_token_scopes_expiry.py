"""Tokens carry scopes and expire. Tokens made before keep what they could do (every scope) for 90 more days."""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def existing_tokens_keep_working_for_a_while(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.update(scopes="read register act", expires_at=timezone.now() + timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [("api", "0002_initial")]

    operations = [
        migrations.AddField("apitoken", "scopes",
                            models.CharField("权限范围", max_length=100, default="read")),
        migrations.AddField("apitoken", "expires_at", models.DateTimeField("有效期至", null=True)),
        migrations.RunPython(existing_tokens_keep_working_for_a_while, migrations.RunPython.noop),
        migrations.AlterField("apitoken", "expires_at", models.DateTimeField("有效期至")),
    ]
