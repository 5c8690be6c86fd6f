from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0003_evaluation_voided'),
    ]

    operations = [
        migrations.AddField(
            model_name='notice',
            name='acted_on',
            field=models.DateField(blank=True, null=True, verbose_name='办理日期'),
        ),
        migrations.AlterField(
            model_name='notice',
            name='kind',
            field=models.CharField(choices=[
                ('acceptance', '受理告知书'), ('rejection', '不予受理告知书'), ('forwarding', '转送告知书'),
                ('redirection', '告知书（导入法定途径）'), ('extension', '延期告知书'), ('decision', '信访处理意见书'),
                ('review', '复查意见书'), ('re_review', '复核意见书'), ('no_longer_accepted', '不再受理告知书'),
                ('review_refusal', '复查申请不予受理告知书'), ('re_review_refusal', '复核申请不予受理告知书'),
            ], max_length=25, verbose_name='文书'),
        ),
    ]
