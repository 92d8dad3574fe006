"""The audit trail is append-only in the database too, not only in ``Event.save()``.

Migration ``core.0002_event_append_only`` installs triggers on ``core_event``:

- **UPDATE** is refused, except clearing ``actor_id`` / ``on_behalf_of_id`` to NULL — what the database
  does when a user account is deleted (``on_delete=SET_NULL``); every other column must stay as it was.
- **DELETE** is refused unless the session explicitly allows a purge: on PostgreSQL the transaction-local
  setting ``svp.allow_event_purge = 'on'``; on SQLite the SQL function ``svp_event_purge_allowed()``,
  which this module registers on every Django connection and which answers 1 only inside
  :func:`event_purge_allowed`. A raw ``sqlite3`` shell does not know the function, so it cannot delete
  events either.

The one path that uses the allowance is ``manage.py flush`` (``core/management/commands/flush.py``: wiping
the whole database — tests between transactional cases, a deliberate reset). Nothing else purges events:
the trail is kept for as long as the database lives. On PostgreSQL ``TRUNCATE`` (what flush runs there)
does not fire row triggers; the application's database role should not own the tables in production.
"""

import contextlib
import contextvars

from django.db import connections

PURGE_SETTING = "svp.allow_event_purge"
SQLITE_PURGE_FUNCTION = "svp_event_purge_allowed"

_purge_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "svp_event_purge_allowed", default=False
)


def purge_is_allowed() -> int:
    return 1 if _purge_allowed.get() else 0


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give SQLite connections the purge-allowance function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_PURGE_FUNCTION, 0, purge_is_allowed)


@contextlib.contextmanager
def event_purge_allowed(using: str = "default"):
    """Let ``DELETE FROM core_event`` through for the duration (flush only — see the module docstring)."""
    token = _purge_allowed.set(True)
    try:
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # session-level: flush on PostgreSQL may run several transactions
                cursor.execute("SELECT set_config(%s, 'on', false)", [PURGE_SETTING])
        yield
    finally:
        _purge_allowed.reset(token)
        connection = connections[using]
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', false)", [PURGE_SETTING])


SQLITE_INSTALL = [
    """
    CREATE TRIGGER core_event_no_update BEFORE UPDATE ON core_event
    WHEN NOT (
        NEW.id IS OLD.id AND NEW.name IS OLD.name AND NEW.occurred_at IS OLD.occurred_at
        AND NEW.commune_id IS OLD.commune_id AND NEW.subject_type IS OLD.subject_type
        AND NEW.subject_id IS OLD.subject_id AND NEW.payload IS OLD.payload
        AND (NEW.actor_id IS OLD.actor_id OR NEW.actor_id IS NULL)
        AND (NEW.on_behalf_of_id IS OLD.on_behalf_of_id OR NEW.on_behalf_of_id IS NULL)
    )
    BEGIN SELECT RAISE(ABORT, 'core_event is append-only: an event cannot be changed'); END
    """,
    f"""
    CREATE TRIGGER core_event_no_delete BEFORE DELETE ON core_event
    WHEN NOT {SQLITE_PURGE_FUNCTION}()
    BEGIN SELECT RAISE(ABORT, 'core_event is append-only: an event cannot be deleted'); END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS core_event_no_update",
    "DROP TRIGGER IF EXISTS core_event_no_delete",
]

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION core_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF coalesce(current_setting('{PURGE_SETTING}', true), '') = 'on' THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'core_event is append-only: an event cannot be deleted';
        END IF;
        IF NEW.id = OLD.id AND NEW.name = OLD.name AND NEW.occurred_at = OLD.occurred_at
            AND NEW.commune_id IS NOT DISTINCT FROM OLD.commune_id
            AND NEW.subject_type = OLD.subject_type AND NEW.subject_id = OLD.subject_id
            AND NEW.payload IS NOT DISTINCT FROM OLD.payload
            AND (NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id OR NEW.actor_id IS NULL)
            AND (NEW.on_behalf_of_id IS NOT DISTINCT FROM OLD.on_behalf_of_id OR NEW.on_behalf_of_id IS NULL)
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'core_event is append-only: an event cannot be changed';
    END
    $$
    """,
    """
    CREATE TRIGGER core_event_append_only BEFORE UPDATE OR DELETE ON core_event
    FOR EACH ROW EXECUTE FUNCTION core_event_append_only()
    """,
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS core_event_append_only ON core_event",
    "DROP FUNCTION IF EXISTS core_event_append_only()",
]


def _run(schema_editor, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement)


def install_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_INSTALL)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_INSTALL)


def remove_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_REMOVE)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_REMOVE)
