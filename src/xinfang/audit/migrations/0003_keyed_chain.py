"""The keyed chain: a version on each event (the rows already there are version 1, unkeyed SHA-256; new rows
default to version 2, HMAC with the audit key), and the number of events on the chain head."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_initial"),
    ]

    operations = [
        # Added with 1 so every existing row is marked as what it is; then new rows default to the keyed kind.
        migrations.AddField(
            model_name="auditevent",
            name="version",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256（旧，无密钥）"), (2, "HMAC-SHA256（审计密钥）")], default=1,
                verbose_name="链版本"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="version",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256（旧，无密钥）"), (2, "HMAC-SHA256（审计密钥）")], default=2,
                verbose_name="链版本"),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="event_count",
            field=models.BigIntegerField(default=0),
        ),
    ]
