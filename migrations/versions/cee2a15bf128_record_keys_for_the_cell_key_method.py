"""record keys for the cell-key method

Every organisation gets a secret random record key (core.disclosure), and every result
summary a copy of its organisation's key, so that aggregates perturb consistently.

Revision ID: cee2a15bf128
Revises: 6d9622fbadf3
Create Date: 2026-11-27 13:05:31.123456

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cee2a15bf128'
down_revision = '6d9622fbadf3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_key', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('result_summary', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_key', sa.BigInteger(), nullable=True))

    bind = op.get_bind()
    organisation = sa.table('organisation', sa.column('id', sa.Integer), sa.column('record_key', sa.BigInteger))
    ids = bind.execute(sa.select(organisation.c.id)).scalars().all()
    if ids:
        bind.execute(
            organisation.update().where(organisation.c.id == sa.bindparam('organisation_id')),
            [{'organisation_id': i, 'record_key': secrets.randbelow(2**32)} for i in ids],
        )
    bind.execute(sa.text(
        'UPDATE result_summary SET record_key = '
        '(SELECT record_key FROM organisation WHERE organisation.id = result_summary.organisation_id)'
    ))

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.alter_column('record_key', existing_type=sa.BigInteger(), nullable=False)
    with op.batch_alter_table('result_summary', schema=None) as batch_op:
        batch_op.alter_column('record_key', existing_type=sa.BigInteger(), nullable=False)


def downgrade():
    with op.batch_alter_table('result_summary', schema=None) as batch_op:
        batch_op.drop_column('record_key')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('record_key')
