"""Model instances read and written with plain SQL, for the few queries every write runs.

Building and compiling the ORM's form of a one-row query costs several times more CPU than
running it (bench/fixed_cost.py: 0.5 to 1.3 ms against 0.1 ms), and a write runs a dozen of
them. Here the column lists, the value converters and the INSERT statements are worked out once
per model from its fields, the way the ORM's compiler does it, and reused: the rows come back as
the same model instances the ORM would give (converters applied, so SQLite's strings are
datetimes and JSON is decoded), and the rows written are the rows the ORM would write (each
field's pre_save and get_db_prep_save). The same SQL runs on PostgreSQL and SQLite (3.35 or
later, for RETURNING).
"""

from functools import cache

from django.db import connection
from django.db.models import NOT_PROVIDED


@cache
def _fields(model, only=None):
    """The model's concrete fields in their order; with `only` (attnames), those alone, still
    in that order, as Model.from_db expects a deferred row's values."""
    fields = model._meta.concrete_fields
    return tuple(fields if only is None else (field for field in fields if field.attname in only))


def columns(model, alias=None, only=None):
    """The model's columns, in its fields' order, for a SELECT list (`alias.` before each);
    with `only` (a tuple of attnames), those columns alone: the others are deferred."""
    return _columns(model, alias, connection.vendor, only)


@cache
def _columns(model, alias, vendor, only=None):
    quote = connection.ops.quote_name
    prefix = f"{quote(alias)}." if alias else ""
    return ", ".join(prefix + quote(field.column) for field in _fields(model, only))


@cache
def _converters(model, vendor, only=None):
    """Per column, the (converter, expression) pairs the ORM's compiler would apply."""
    result = []
    for field in _fields(model, only):
        expression = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(expression)
        found += expression.get_db_converters(connection)
        result.append(tuple((converter, expression) for converter in found))
    return tuple(result)


def instance(model, values, only=None):
    """The model instance for one row's values in columns(model, only=only)'s order; None when
    its primary key is NULL (the empty side of a LEFT JOIN)."""
    attnames, pk_index = _layout(model, only)
    if values[pk_index] is None:
        return None
    return model.from_db(connection.alias, attnames, converted(model, values, only))


def converted(model, values, only=None):
    """One row's values (columns(model, only=only)'s order) as the instance would hold them:
    the converters applied, as instance() applies them."""
    converters = _converters(model, connection.vendor, only)
    if any(converters):
        values = list(values)
        for index, pairs in enumerate(converters):
            for converter, expression in pairs:
                values[index] = converter(values[index], expression, connection)
    return values


def attnames(model, only=None):
    """The attribute names of columns(model, only=only), in its order."""
    return tuple(_layout(model, only)[0])


@cache
def _layout(model, only=None):
    """The attribute names of the columns, and which of them is the primary key."""
    fields = _fields(model, only)
    return [field.attname for field in fields], [f.primary_key for f in fields].index(True)


def rows(sql, params, *models, only=None):
    """Every row of `sql`, whose SELECT list is columns() of each of `models` in turn, as a
    tuple of instances per row (one model: the instances themselves). `only` (with one model)
    names the columns read, as columns(model, only=only)."""
    assert only is None or len(models) == 1
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    widths = [len(_fields(model, only)) for model in models]
    found = []
    for row in fetched:
        start, parts = 0, []
        for model, width in zip(models, widths, strict=True):
            parts.append(instance(model, row[start : start + width], only))
            start += width
        found.append(parts[0] if len(models) == 1 else tuple(parts))
    return found


@cache
def _insert_sql(model, vendor):
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in _insert_fields(model))
    marks = ", ".join(["%s"] * len(_insert_fields(model)))
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608 - names from the model


@cache
def _insert_fields(model):
    # The primary key comes back from RETURNING; a field with a database default and no
    # Python one is left to the database, as the ORM does.
    return tuple(
        field
        for field in _fields(model)
        if not field.primary_key
        and not getattr(field, "generated", False)
        and (field.db_default is NOT_PROVIDED or field.has_default())
    )


def insert(obj, before=None):
    """Write the new instance `obj` as Model.save() would (each field's pre_save, so auto_now_add
    times are set; values prepared by each field) and set its primary key. No signals are
    sent: the app has no receivers for the models written here. `before`: (a WITH clause,
    its parameters) run in the same statement (PostgreSQL's data-modifying WITH)."""
    insert_many([obj], before)
    return obj


def insert_many(objs, before=None):
    """insert() for several new instances of one model, in one statement (as bulk_create)."""
    if not objs:
        return objs
    model = type(objs[0])
    fields = _insert_fields(model)
    values = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    sql = _insert_sql(model, connection.vendor)
    if len(objs) > 1:
        row = sql[sql.index(" VALUES ") + 8 : sql.index(" RETURNING ")]
        sql = sql.replace(f" VALUES {row}", " VALUES " + ", ".join([row] * len(objs)))
    if before is not None:
        sql, values = f"{before[0]} {sql}", [*before[1], *values]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        # Rows come back in the order of VALUES, as bulk_create also relies on.
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias
    return objs


def update(obj, field_names, where=None):
    """Write `field_names` of the saved instance `obj`, as obj.save(update_fields=...) would,
    where its row also has the column values `where` ({column: value}, for a conditional
    update); the number of rows written."""
    model = type(obj)
    fields = [model._meta.get_field(name) for name in field_names]
    values = [field.get_db_prep_save(field.pre_save(obj, False), connection) for field in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names from the model
    where = where or {}
    sql += "".join(f" AND {quote(column)} = %s" for column in where)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, obj.pk, *where.values()])
        return cursor.rowcount
