from django.db import migrations, models

# Kinds that are not organs with the power to handle petitions (orgs.models.NOT_HANDLING_KINDS), as of now.
NOT_HANDLING_KINDS = ("village", "petition_office")


def default_by_kind(apps, schema_editor):
    Org = apps.get_model("orgs", "Org")
    Org.objects.filter(kind__in=NOT_HANDLING_KINDS).update(may_handle=False)


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0002_org_superior_department'),
    ]

    operations = [
        migrations.AddField(
            model_name='org',
            name='may_handle',
            field=models.BooleanField(
                default=True, verbose_name='有权处理',
                help_text='可作为转送、交办的责任单位（有权处理机关，《信访工作条例》第二十二条）；村（社区）默认否'),
        ),
        migrations.RunPython(default_by_kind, migrations.RunPython.noop),
    ]
