"""releases replace the cell-key method

Revision ID: aad0eb5a9ad0
Revises: 610b1401c7fd
Create Date: 2026-12-06 12:00:00

Peer figures are read from releases (``release``: one population, one closed period,
computed once with differential privacy and kept). The cell-key method's record keys
and the live dashboards' cache counter go. Past closed periods get their releases
from the workers' first daily run after the upgrade (or ``flask releases compute
--due``).

The record keys are dropped in place (``ALTER TABLE … DROP COLUMN``, SQLite 3.35 and
later): rebuilding ``result_summary`` by batch copy would drop the triggers that keep
its centre lists.
"""
from alembic import op
import sqlalchemy as sa

import maturity.models._types


revision = 'aad0eb5a9ad0'
down_revision = '610b1401c7fd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('population', sa.String(length=40), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('period_first', sa.Date(), nullable=False),
    sa.Column('period_last', sa.Date(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('computed_at', maturity.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rho', sa.Float(precision=53), nullable=False),
    sa.Column('epsilon', sa.Float(precision=53), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_release_centre_id_centre'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release')),
    sa.UniqueConstraint('population', 'period', 'revision', name=op.f('uq_release_population_period_revision'))
    )
    with op.batch_alter_table('release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index('ix_release_population_period', ['population', 'period_last'], unique=False)

    op.execute("ALTER TABLE result_summary DROP COLUMN record_key")
    op.execute("ALTER TABLE organisation DROP COLUMN record_key")
    op.drop_table('aggregate_generation')


def downgrade():
    op.create_table('aggregate_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aggregate_generation'))
    )
    # New record keys: the old ones are gone with the method that used them.
    op.add_column('organisation', sa.Column('record_key', sa.BigInteger(), server_default='0', nullable=False))
    op.add_column('result_summary', sa.Column('record_key', sa.BigInteger(), server_default='0', nullable=False))
    with op.batch_alter_table('release', schema=None) as batch_op:
        batch_op.drop_index('ix_release_population_period')
        batch_op.drop_index(batch_op.f('ix_release_centre_id'))
    op.drop_table('release')
