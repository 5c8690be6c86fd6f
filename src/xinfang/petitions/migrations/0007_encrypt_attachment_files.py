"""Attachment files stored before encryption are sealed in place (reverse: opened in place).

Each file is bound to its row's SHA-256; already-sealed files are left alone, so the migration can be
run again after an interruption. A file missing from storage is reported and skipped: there is nothing
to protect, and the row stays for the record.
"""

import sys

from django.db import migrations

from xinfang.petitions.attachments import attachment_file_seal, attachment_file_unseal


def _each_file(apps, change) -> None:
    Attachment = apps.get_model("petitions", "Attachment")
    missing = []
    for attachment in Attachment.objects.order_by("pk").iterator(chunk_size=500):
        try:
            change(storage=attachment.file.storage, name=attachment.file.name, sha256=attachment.sha256)
        except FileNotFoundError:
            missing.append(attachment.pk)
    if missing:
        shown = ", ".join(str(pk) for pk in missing[:20]) + (" …" if len(missing) > 20 else "")
        sys.stderr.write(f"\n  attachment files missing from storage, skipped (rows {shown})\n")


def seal_files(apps, schema_editor):
    _each_file(apps, attachment_file_seal)


def unseal_files(apps, schema_editor):
    _each_file(apps, attachment_file_unseal)


class Migration(migrations.Migration):

    dependencies = [
        ("petitions", "0006_encrypt_accusation_text"),
    ]

    operations = [
        migrations.RunPython(seal_files, unseal_files, elidable=False),
    ]
