"""registration triggers rewrite centre lists only when a registration's accepted
state, centre or organisation changes

Revision ID: 2b37995f5d33
Revises: 357dfcf82e7e
Create Date: 2026-11-28 15:39:15.222809

The triggers of 7b3e91c4d2a8 rewrote ``result_summary.centre_ids`` (and took the
organisations' rows FOR NO KEY UPDATE) for every registration written: also for a
request not yet accepted (a centre's import of 10,000 organisations already on the
platform rewrote all their summaries, and held every submission of theirs meanwhile)
and for a change of consent alone. Only accepted registrations are in the list, so
only rows that are accepted, or whose accepted state, centre or organisation
changes, can change it; the triggers now look at those alone.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '2b37995f5d33'
down_revision = '357dfcf82e7e'
branch_labels = None
depends_on = None

# The registrations of the statement that can change a centre list: inserted or
# deleted accepted ones; updated ones whose accepted state, centre or organisation
# changed (both their old and their new organisation).
POSTGRESQL_AFFECTED = {
    "INSERT": "SELECT organisation_id FROM new_registrations WHERE accepted_at IS NOT NULL",
    "DELETE": "SELECT organisation_id FROM old_registrations WHERE accepted_at IS NOT NULL",
    "UPDATE": """
        SELECT unnest(ARRAY[o.organisation_id, n.organisation_id])
        FROM old_registrations o FULL JOIN new_registrations n ON n.id = o.id
        WHERE o.id IS NULL OR n.id IS NULL
           OR (o.accepted_at IS NULL) <> (n.accepted_at IS NULL)
           OR o.centre_id <> n.centre_id OR o.organisation_id <> n.organisation_id
    """,
}


def _postgresql_function(affected: dict[str, str]) -> str:
    branches = "\n".join(
        f"""
        {'IF' if index == 0 else 'ELSIF'} TG_OP = '{event}' THEN
            SELECT array_agg(DISTINCT organisation) INTO organisations
            FROM ({query}) AS changed(organisation) WHERE organisation IS NOT NULL;"""
        for index, (event, query) in enumerate(affected.items())
    )
    return f"""
    CREATE OR REPLACE FUNCTION centre_registration_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        organisations integer[];
    BEGIN
        {branches}
        END IF;
        IF organisations IS NULL THEN
            RETURN NULL;
        END IF;
        -- The organisations first, in order: a summary being written for one of them
        -- commits before (write_summary holds its organisation from the start), and
        -- the UPDATE below, a new statement, then sees its row.
        PERFORM 1 FROM organisation WHERE id = ANY (organisations) ORDER BY id FOR NO KEY UPDATE;
        UPDATE result_summary s SET centre_ids = result_summary_centres(s.organisation_id)
        WHERE s.organisation_id = ANY (organisations);
        RETURN NULL;
    END
    $$
    """


# The function as 7b3e91c4d2a8 created it: every registration of the statement.
POSTGRESQL_EVERY = {
    "INSERT": "SELECT organisation_id FROM new_registrations",
    "DELETE": "SELECT organisation_id FROM old_registrations",
    "UPDATE": """
        SELECT organisation_id FROM new_registrations
        UNION SELECT organisation_id FROM old_registrations
    """,
}

SQLITE_CENTRES = (
    "(SELECT json_group_array(centre_id) FROM (SELECT centre_id FROM centre_registration "
    "WHERE organisation_id = {organisation} AND accepted_at IS NOT NULL ORDER BY centre_id))"
)


def _sqlite_refresh(organisation: str) -> str:
    return (
        f"UPDATE result_summary SET centre_ids = {SQLITE_CENTRES.format(organisation=organisation)} "
        f"WHERE organisation_id = {organisation};"
    )


SQLITE_WHEN = {
    "inserted": "WHEN NEW.accepted_at IS NOT NULL",
    "updated": (
        "WHEN (OLD.accepted_at IS NULL) <> (NEW.accepted_at IS NULL) "
        "OR OLD.centre_id <> NEW.centre_id OR OLD.organisation_id <> NEW.organisation_id"
    ),
    "deleted": "WHEN OLD.accepted_at IS NOT NULL",
}


def _sqlite_triggers(when: dict[str, str]) -> list[str]:
    return [
        "DROP TRIGGER centre_registration_inserted",
        "DROP TRIGGER centre_registration_updated",
        "DROP TRIGGER centre_registration_deleted",
        f"""
        CREATE TRIGGER centre_registration_inserted AFTER INSERT ON centre_registration
        {when.get("inserted", "")}
        BEGIN {_sqlite_refresh("NEW.organisation_id")} END
        """,
        f"""
        CREATE TRIGGER centre_registration_updated AFTER UPDATE ON centre_registration
        {when.get("updated", "")}
        BEGIN {_sqlite_refresh("OLD.organisation_id")} {_sqlite_refresh("NEW.organisation_id")} END
        """,
        f"""
        CREATE TRIGGER centre_registration_deleted AFTER DELETE ON centre_registration
        {when.get("deleted", "")}
        BEGIN {_sqlite_refresh("OLD.organisation_id")} END
        """,
    ]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_postgresql_function(POSTGRESQL_AFFECTED))
    else:
        for statement in _sqlite_triggers(SQLITE_WHEN):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_postgresql_function(POSTGRESQL_EVERY))
    else:
        for statement in _sqlite_triggers({}):
            op.execute(statement)
