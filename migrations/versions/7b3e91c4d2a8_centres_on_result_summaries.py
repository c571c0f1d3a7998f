"""the centres of each result summary, kept by the database

Revision ID: 7b3e91c4d2a8
Revises: 51fe834acc9e
Create Date: 2026-11-28 12:00:00.000000

A centre's dashboard filtered result summaries by joining them with the centre's
accepted registrations; at a million organisations on PostgreSQL that join took a
quarter of the time of each of its two queries. ``result_summary.centre_ids`` lists
the centres a summary's organisation is registered with (accepted_at set), in
ascending order, and triggers keep it: a summary gets it when inserted, and every
insert, update or delete of registrations rewrites it for the organisations they
touch. Triggers rather than Python, so that no path that writes either table (the
services, COPY in the synthetic seed, a restore, an organisation deleted with its
registrations) can leave it stale.

PostgreSQL: an int[] with a GIN index (a small centre's rows are found through it,
as they were through the registrations' index); the registration trigger is
per statement, with transition tables, so a bulk load updates once per statement.
A registration change and a summary written at the same moment for the same
organisation must not leave a stale list (an organisation that left a centre still
counted in it): the registration trigger takes the organisations' rows FOR NO KEY
UPDATE before it updates their summaries, and a summary takes its organisation's row
FOR SHARE before it reads the registrations (in the insert trigger, and first thing
in `services.summaries`, before it touches other summary rows, so that the two never
wait for each other in a cycle). SQLite writes one transaction at a time.

SQLite: a JSON array, per-row triggers (SQLite has nothing else); its dashboard reads
its rows into NumPy through the join as before, and the column is kept all the same,
so that it means the same on both.

Whoever rebuilds one of these tables on SQLite (Alembic's batch mode copies the
table) must create its triggers again (SQLITE below) in the same migration.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = "7b3e91c4d2a8"
down_revision = "51fe834acc9e"
branch_labels = None
depends_on = None

POSTGRESQL = [
    """
    CREATE FUNCTION result_summary_centres(organisation integer) RETURNS integer[]
    LANGUAGE sql STABLE AS $$
        SELECT coalesce(array_agg(centre_id ORDER BY centre_id), '{}')
        FROM centre_registration
        WHERE organisation_id = organisation AND accepted_at IS NOT NULL
    $$
    """,
    """
    CREATE FUNCTION result_summary_set_centres() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- Waits for a registration change of this organisation still in progress
        -- (its trigger holds the row), then reads the registrations as committed.
        PERFORM 1 FROM organisation WHERE id = NEW.organisation_id FOR SHARE;
        NEW.centre_ids := result_summary_centres(NEW.organisation_id);
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER result_summary_centres_on_insert
    BEFORE INSERT OR UPDATE OF organisation_id ON result_summary
    FOR EACH ROW EXECUTE FUNCTION result_summary_set_centres()
    """,
    # One function for the three statement triggers: each names only the transition
    # tables its event has, and PL/pgSQL plans a statement when it first runs it.
    """
    CREATE FUNCTION centre_registration_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- The organisations first, in order: a summary being written for one of them
        -- commits before (write_summary holds its organisation from the start), and
        -- the UPDATE below, a new statement, then sees its row.
        IF TG_OP = 'INSERT' THEN
            PERFORM 1 FROM organisation WHERE id IN (SELECT organisation_id FROM new_registrations)
            ORDER BY id FOR NO KEY UPDATE;
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM 1 FROM organisation WHERE id IN (SELECT organisation_id FROM old_registrations)
            ORDER BY id FOR NO KEY UPDATE;
        ELSE
            PERFORM 1 FROM organisation WHERE id IN (
                SELECT organisation_id FROM new_registrations
                UNION SELECT organisation_id FROM old_registrations
            ) ORDER BY id FOR NO KEY UPDATE;
        END IF;
        IF TG_OP = 'INSERT' THEN
            UPDATE result_summary s SET centre_ids = result_summary_centres(s.organisation_id)
            WHERE s.organisation_id IN (SELECT organisation_id FROM new_registrations);
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE result_summary s SET centre_ids = result_summary_centres(s.organisation_id)
            WHERE s.organisation_id IN (SELECT organisation_id FROM old_registrations);
        ELSE
            UPDATE result_summary s SET centre_ids = result_summary_centres(s.organisation_id)
            WHERE s.organisation_id IN (
                SELECT organisation_id FROM new_registrations
                UNION SELECT organisation_id FROM old_registrations
            );
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER centre_registration_inserted AFTER INSERT ON centre_registration
    REFERENCING NEW TABLE AS new_registrations
    FOR EACH STATEMENT EXECUTE FUNCTION centre_registration_changed()
    """,
    """
    CREATE TRIGGER centre_registration_updated AFTER UPDATE ON centre_registration
    REFERENCING NEW TABLE AS new_registrations OLD TABLE AS old_registrations
    FOR EACH STATEMENT EXECUTE FUNCTION centre_registration_changed()
    """,
    """
    CREATE TRIGGER centre_registration_deleted AFTER DELETE ON centre_registration
    REFERENCING OLD TABLE AS old_registrations
    FOR EACH STATEMENT EXECUTE FUNCTION centre_registration_changed()
    """,
]

SQLITE_CENTRES = (
    "(SELECT json_group_array(centre_id) FROM (SELECT centre_id FROM centre_registration "
    "WHERE organisation_id = {organisation} AND accepted_at IS NOT NULL ORDER BY centre_id))"
)


def _sqlite_refresh(organisation: str) -> str:
    return (
        f"UPDATE result_summary SET centre_ids = {SQLITE_CENTRES.format(organisation=organisation)} "
        f"WHERE organisation_id = {organisation};"
    )


SQLITE = [
    f"""
    CREATE TRIGGER result_summary_centres_on_insert AFTER INSERT ON result_summary
    BEGIN
        UPDATE result_summary
        SET centre_ids = {SQLITE_CENTRES.format(organisation="NEW.organisation_id")}
        WHERE assessment_id = NEW.assessment_id;
    END
    """,
    f"""
    CREATE TRIGGER centre_registration_inserted AFTER INSERT ON centre_registration
    BEGIN {_sqlite_refresh("NEW.organisation_id")} END
    """,
    f"""
    CREATE TRIGGER centre_registration_updated AFTER UPDATE ON centre_registration
    BEGIN {_sqlite_refresh("OLD.organisation_id")} {_sqlite_refresh("NEW.organisation_id")} END
    """,
    f"""
    CREATE TRIGGER centre_registration_deleted AFTER DELETE ON centre_registration
    BEGIN {_sqlite_refresh("OLD.organisation_id")} END
    """,
]

TRIGGERS = [
    ("result_summary_centres_on_insert", "result_summary"),
    ("centre_registration_inserted", "centre_registration"),
    ("centre_registration_updated", "centre_registration"),
    ("centre_registration_deleted", "centre_registration"),
]


def create_triggers(dialect: str) -> None:
    for statement in POSTGRESQL if dialect == "postgresql" else SQLITE:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("result_summary", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "centre_ids",
                postgresql.ARRAY(sa.Integer()).with_variant(sa.JSON(), "sqlite"),
                nullable=True,
            )
        )
    create_triggers(dialect)
    if dialect == "postgresql":
        op.execute(
            "UPDATE result_summary s SET centre_ids = result_summary_centres(s.organisation_id)"
        )
    else:
        op.execute(
            "UPDATE result_summary SET centre_ids = "
            + SQLITE_CENTRES.format(organisation="result_summary.organisation_id")
        )
    # SQLite has no GIN: a plain index there, which nothing reads (the model declares one).
    op.create_index(
        "ix_result_summary_centre_ids", "result_summary", ["centre_ids"], postgresql_using="gin"
    )


def downgrade():
    dialect = op.get_bind().dialect.name
    for trigger, table in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if dialect == "postgresql" else ""))
    if dialect == "postgresql":
        op.execute("DROP FUNCTION centre_registration_changed()")
        op.execute("DROP FUNCTION result_summary_set_centres()")
        op.execute("DROP FUNCTION result_summary_centres(integer)")
    op.drop_index("ix_result_summary_centre_ids", table_name="result_summary")
    with op.batch_alter_table("result_summary", schema=None) as batch_op:
        batch_op.drop_column("centre_ids")
