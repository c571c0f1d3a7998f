"""result summaries record their not-applicable pattern

Revision ID: 357dfcf82e7e
Revises: 956fb239193b
Create Date: 2026-11-28 15:35:26.466992

``result_summary.not_applicable``: bit k - 1 set where answer_k is NULL. A centre's
dashboard counted the organisations that answered each question that can be "not
applicable" with a count and a key sum per question over every row; grouping the
rows by this pattern (a few patterns: they follow from a few answers that rule
others out) gives the same figures for a fraction of the work. Existing rows get it
from their answer columns. Added and dropped in place (no batch copy of the table,
which on SQLite would drop the table's triggers, see 7b3e91c4d2a8).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '357dfcf82e7e'
down_revision = '956fb239193b'
branch_labels = None
depends_on = None

QUESTION_POSITIONS = 60  # core.questionnaire.MAX_QUESTIONS when this was written


# Also run by tests/models/test_summary_patterns.py against rows the services wrote.
BACKFILL = "UPDATE result_summary SET not_applicable = " + " + ".join(
    f"CASE WHEN answer_{position} IS NULL THEN CAST({1 << (position - 1)} AS BIGINT) ELSE 0 END"
    for position in range(1, QUESTION_POSITIONS + 1)
)


def upgrade():
    op.add_column(
        'result_summary',
        sa.Column('not_applicable', sa.BigInteger(), server_default='0', nullable=False),
    )
    op.execute(BACKFILL)


def downgrade():
    op.drop_column('result_summary', 'not_applicable')
