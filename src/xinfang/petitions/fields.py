"""Model fields that store text encrypted and give it back decrypted."""

from django.core.validators import MaxLengthValidator
from django.db import models

from xinfang.petitions import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted with AES-GCM at rest. Not searchable: pair it with a blind index column."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return crypto.encrypt(value)


# The petition type whose text is kept secret (Art 30: accusations are kept from the accused). A literal,
# not PetitionType, because models.py imports this module; historical models in migrations use it too.
ACCUSATION = "accusation"


class AccusationTextField(models.TextField):
    """A petition's text, stored encrypted when the petition is an accusation and in plaintext otherwise.

    Encryption happens in `pre_save`, the one step that sees the row (its `petition_type`): save(),
    bulk_create and xinfang.db.insert_rows all call it; the instance keeps its plaintext. Reading decrypts
    any value that carries the marker, whatever the type says now, so every ORM read (instances,
    values(), values_list(), only()) gives plaintext. What bypasses `pre_save` is refused for these fields
    by PetitionQuerySet.update (bulk_update goes through it). A plaintext that happens to start with the
    marker is encrypted too, so that reads are never ambiguous.

    Lookups (`summary__contains`) compare the stored form: they find grievances and suggestions, never an
    accusation. `max_length` is checked by validation only: the ciphertext is longer than the text.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))

    @property
    def context(self) -> str:
        # Associated data: a ciphertext opens only in the column it was made for.
        return f"{self.model._meta.label_lower}.{self.name}"

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if not value:
            return value
        if model_instance.petition_type == ACCUSATION or crypto.is_sealed_text(value):
            return crypto.seal_text(value, context=self.context)
        return value

    def from_db_value(self, value, expression, connection):
        if value and crypto.is_sealed_text(value):
            return crypto.open_text(value, context=self.context)
        return value
