"""Database helpers for the bulk writers (the import, the audit chain's batch append)."""

from django.db import DEFAULT_DB_ALIAS, connections


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
    rows = [tuple(f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields) for obj in objs]
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)
    for obj in objs:
        obj._state.adding = False
