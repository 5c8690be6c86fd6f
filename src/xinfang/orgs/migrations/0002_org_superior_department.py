import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='org',
            name='superior_department',
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name='subordinate_departments', to='orgs.org', verbose_name='上级主管部门',
                help_text='职能部门的上一级主管部门（复查、复核机关之一，《信访工作条例》第三十五条、第三十六条）'),
        ),
    ]
