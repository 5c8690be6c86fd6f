"""Model fields that store text encrypted and give it back decrypted."""

import json

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
        if is_accusation(model_instance) or crypto.is_sealed_text(value):
            return crypto.seal_text(value, context=self.context)
        return value

    def from_db_value(self, value, expression, connection):
        if value and crypto.is_sealed_text(value):
            return crypto.open_text(value, context=self.context)
        return value


def is_accusation(instance) -> bool:
    """Whether a row is, or belongs to, an accusation: a petition itself, or a row with a `petition`."""
    if hasattr(instance, "petition_type"):
        return instance.petition_type == ACCUSATION
    field = instance._meta.get_field("petition")
    if field.is_cached(instance):
        return instance.petition.petition_type == ACCUSATION
    # Not loaded with the row (an event made with petition_id): one indexed look-up. A petition not yet
    # written cannot be told; its events are written after it (services, bulk import, seeder).
    return field.related_model.objects.filter(pk=instance.petition_id, petition_type=ACCUSATION).exists()


SEALED_VALUES = "sealed_values"


class AccusationEventDataField(models.JSONField):
    """An event's data, with the values an official entered (facts, decision, reasons) sealed when the
    petition is an accusation (Art 30): the rest (states, dates, notice numbers) stays plain for queries.

    Like AccusationTextField: sealed in `pre_save` (the instance keeps its plaintext), opened on every read.
    `QuerySet.update(data=…)` would bypass it: write events through save().
    """

    context = "petitions.petitionevent.data.values"

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, dict) and value.get("values") and is_accusation(model_instance):
            sealed = crypto.seal_text(json.dumps(value["values"], ensure_ascii=False), context=self.context)
            return {**{key: item for key, item in value.items() if key != "values"}, SEALED_VALUES: sealed}
        return value

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        if isinstance(value, dict) and SEALED_VALUES in value:
            opened = json.loads(crypto.open_text(value[SEALED_VALUES], context=self.context))
            value = {**{key: item for key, item in value.items() if key != SEALED_VALUES}, "values": opened}
        return value
