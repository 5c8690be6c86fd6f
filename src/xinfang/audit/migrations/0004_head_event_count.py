"""Fill the chain head's event count for a chain that already has events (data only; 0003 is the schema)."""

from django.db import migrations


def count_events(apps, schema_editor):
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead.objects.filter(pk=1).update(event_count=AuditEvent.objects.count())


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_keyed_chain"),
    ]

    operations = [
        # Going back drops the column in 0003's reverse: nothing to undo here.
        migrations.RunPython(count_events, migrations.RunPython.noop),
    ]
