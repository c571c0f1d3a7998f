"""profile and outcome values, 60 questions and outcome figures in result summaries

Questionnaire 2.0 asks an applicability profile and outcome figures besides the level
questions (core.items): their values are stored one row per item. Result summaries
gain room for 60 questions and, per outcome position, the figure and its change
since the organisation's previous round.

Revision ID: 589b41c6ad48
Revises: cee2a15bf128
Create Date: 2026-11-27 14:19:55.092492

"""
from alembic import op
import sqlalchemy as sa

import maturity.models._types


# revision identifiers, used by Alembic.
revision = '589b41c6ad48'
down_revision = 'cee2a15bf128'
branch_labels = None
depends_on = None

NEW_ANSWERS = range(41, 61)
OUTCOMES = range(1, 9)


def upgrade():
    op.create_table('item_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', maturity.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_item_value_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_item_value_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_value')),
    sa.UniqueConstraint('assessment_id', 'item_id', name=op.f('uq_item_value_assessment_id_item_id'))
    )
    with op.batch_alter_table('item_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_value_assessment_id'), ['assessment_id'], unique=False)

    with op.batch_alter_table('result_summary', schema=None) as batch_op:
        for position in NEW_ANSWERS:
            batch_op.add_column(sa.Column(f'answer_{position}', sa.SmallInteger(), nullable=True))
        for position in OUTCOMES:
            batch_op.add_column(sa.Column(f'outcome_{position}', sa.Float(precision=53), nullable=True))
            batch_op.add_column(sa.Column(f'outcome_change_{position}', sa.Float(precision=53), nullable=True))


def downgrade():
    with op.batch_alter_table('result_summary', schema=None) as batch_op:
        for position in reversed(OUTCOMES):
            batch_op.drop_column(f'outcome_change_{position}')
            batch_op.drop_column(f'outcome_{position}')
        for position in reversed(NEW_ANSWERS):
            batch_op.drop_column(f'answer_{position}')

    with op.batch_alter_table('item_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_value_assessment_id'))

    op.drop_table('item_value')
