# The list search by the tail of a number (its sequence) and by 来源编号 (issue 12 item 11).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0009_backfill_review_organs'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='petition',
            index=models.Index(fields=['sequence'], name='petition_sequence_idx'),
        ),
        migrations.AddIndex(
            model_name='petition',
            index=models.Index(fields=['source_reference'], name='petition_source_ref_idx'),
        ),
    ]
