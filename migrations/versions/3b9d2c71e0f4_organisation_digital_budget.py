"""The organisation's annual digital budget, which roadmap 3's phases must fit

Revision ID: 3b9d2c71e0f4
Revises: 08cefbd55264
Create Date: 2026-12-06 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b9d2c71e0f4'
down_revision = '08cefbd55264'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digital_budget', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_organisation_digital_budget_not_negative'),
            'digital_budget IS NULL OR digital_budget >= 0',
        )


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisation_digital_budget_not_negative'), type_='check')
        batch_op.drop_column('digital_budget')
