"""Accusations registered before their text was encrypted get it encrypted (reverse: decrypted).

Reads go through the field, which decrypts marked values and passes plaintext through, so both directions
can run on a half-done table. Writes use update(), which stores exactly the string given (no pre_save):
the ciphertext made here, or the plaintext on the way back.
"""

from django.db import migrations

from xinfang.petitions import crypto

TEXT_FIELDS = ("summary", "content", "demands")
BATCH = 1000


def _rewrite(apps, *, seal: bool) -> None:
    Petition = apps.get_model("petitions", "Petition")
    contexts = {name: f"petitions.petition.{name}" for name in TEXT_FIELDS}
    # The ids first: no SELECT stays open over the table while its rows are rewritten.
    pks = list(Petition.objects.filter(petition_type="accusation").order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        rows = Petition.objects.filter(pk__in=pks[start:start + BATCH]).values_list("pk", *TEXT_FIELDS)
        for pk, *texts in list(rows):
            values = {
                name: crypto.seal_text(text, context=contexts[name]) if seal else text
                for name, text in zip(TEXT_FIELDS, texts, strict=True)
            }
            # The plain base manager: the app's own refuses update() of these columns (it cannot encrypt).
            Petition._base_manager.filter(pk=pk).update(**values)


def encrypt_accusations(apps, schema_editor):
    _rewrite(apps, seal=True)


def decrypt_accusations(apps, schema_editor):
    _rewrite(apps, seal=False)


class Migration(migrations.Migration):

    dependencies = [
        ("petitions", "0005_accusation_text_fields"),
    ]

    operations = [
        migrations.RunPython(encrypt_accusations, decrypt_accusations, elidable=False),
    ]
