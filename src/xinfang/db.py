"""Database helpers for the bulk writers (the import, the audit chain's batch append, the seeder)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


@contextmanager
def bulk_load_cache(mib: int = 256) -> Iterator[None]:
    """A bigger SQLite page cache while seeding (a petition carries 13 indexes); restored after.

    Memory stays bounded by `mib`. PostgreSQL: no change. (Tried for the bulk import too: a 100,000-row
    import of finished matters ran no faster and its RSS rose by 270 MiB, so the import does not use it.)
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        saved = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(mib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {saved}")


def insert_rows(model: type, objs: list) -> None:
    """INSERT model instances with one executemany: what bulk_create writes, without its per-value SQL building.

    Each value still goes through its field's `pre_save` and `get_db_prep_save` (timestamps, JSON, the
    encrypted personal data); Django's statement building (one statement per ~999 values, each value
    checked again for expressions) is skipped. The primary key is written when the instances carry one (reserved ids), else the
    database assigns it. No ids are read back.
    """
    if not objs:
        return
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: `connection` is a proxy, looked up on every use
    with_pk = objs[0].pk is not None
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    quote = db.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    plain = [_is_plain(f) for f in fields]
    rows = [tuple(_value(f, obj, db, is_plain) for f, is_plain in zip(fields, plain, strict=True)) for obj in objs]
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)
    for obj in objs:
        obj._state.adding = False


# Field classes (exactly these, not subclasses such as the encrypted ones) whose stored form of a str, int,
# bool or None is the value itself: Django's preparation would return it unchanged.
_PLAIN_TYPES = (models.CharField, models.TextField, models.IntegerField, models.PositiveIntegerField,
                models.PositiveSmallIntegerField, models.SmallIntegerField, models.BigIntegerField,
                models.BooleanField, models.AutoField, models.BigAutoField)
_PLAIN_VALUES = (str, int, bool, type(None))


def _is_plain(field: models.Field) -> bool:
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    return type(target) in _PLAIN_TYPES and not getattr(field, "auto_now", False)


def _value(field: models.Field, obj: models.Model, db, is_plain: bool):
    if is_plain:
        value = getattr(obj, field.attname)
        if type(value) in _PLAIN_VALUES:
            return value
    return field.get_db_prep_save(field.pre_save(obj, True), db)
