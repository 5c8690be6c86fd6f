"""A model field that stores text encrypted and gives it back decrypted."""

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
