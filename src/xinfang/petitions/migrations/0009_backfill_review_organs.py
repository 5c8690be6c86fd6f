"""Set review_org / re_review_org of matters already reviewed, from the organ their review clock ran on."""

from django.db import migrations

KINDS = {"review_decision": "review_org_id", "re_review_decision": "re_review_org_id"}


def backfill(apps, schema_editor):
    Clock = apps.get_model("workflow", "Clock")
    Petition = apps.get_model("petitions", "Petition")
    for kind, column in KINDS.items():
        # The latest such clock of each petition names the organ (a corrected request voids its clock).
        organs = dict(Clock.objects.filter(kind=kind, voided=False).order_by("petition_id", "started_on", "id")
                      .values_list("petition_id", "org_id"))
        for petition_id, org_id in organs.items():
            # .update() of a foreign key only: the accusation text fields are untouched.
            Petition.objects.filter(pk=petition_id).update(**{column: org_id})


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0008_review_organs"),
        ("workflow", "0004_notice_acted_on_refusals"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
