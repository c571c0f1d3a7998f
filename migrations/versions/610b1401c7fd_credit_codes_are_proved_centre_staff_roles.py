"""credit codes are proved; centre staff have roles; audit names people by id; imports
build links from the configured address

Revision ID: 610b1401c7fd
Revises: 9d75d9702f07
Create Date: 2026-12-06 05:00:00

- ``organisation.credit_code`` is a claim, no longer unique: its state (unverified,
  verified, disputed), who verified it and when, and the business licence that proves
  it; only one organisation may hold a code verified (a partial unique index).
  Existing codes start unverified: the platform never checked them.
- ``code_verification_request``: a centre's import waiting for a claimed code to be
  verified.
- ``centre_membership.role``: reviewer (every existing row) or consultant (a centre's own
  consultant staff); one row per role.
- Audit details named people by e-mail address, which stayed after the account was
  deleted: they now name the account id (none when the account is gone already).
- ``organisation_import.site_root`` goes: links are built from MATURITY_BASE_URL.
"""
import json

from alembic import op
import sqlalchemy as sa

import maturity.models._types


revision = '610b1401c7fd'
down_revision = '9d75d9702f07'
branch_labels = None
depends_on = None

# Audit actions whose details named a person by address, and the key naming them.
EMAIL_DETAILS = {
    "assign_consultant": ("consultant", "consultant_id"),
    "remove_consultant": ("consultant", "consultant_id"),
    "add_reviewer": ("reviewer", "user_id"),
}


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_organisation_credit_code', type_='unique')
        batch_op.add_column(sa.Column('credit_code_state', sa.Enum('unverified', 'verified', 'disputed', name='creditcodestate', native_enum=False, create_constraint=True, length=12), server_default='unverified', nullable=False))
        batch_op.add_column(sa.Column('credit_code_verified_at', maturity.models._types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('credit_code_verified_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('licence_file', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('licence_kind', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('licence_uploaded_at', maturity.models._types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_organisation_credit_code_verified_by_id_user'), 'user', ['credit_code_verified_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_organisation_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index('uq_organisation_verified_credit_code', ['credit_code'], unique=True, postgresql_where=sa.text("credit_code_state = 'verified'"), sqlite_where=sa.text("credit_code_state = 'verified'"))

    op.create_table('code_verification_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', maturity.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_code_verification_request_centre_id_centre'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_code_verification_request_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_code_verification_request_requested_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_verification_request')),
    sa.UniqueConstraint('centre_id', 'organisation_id', name=op.f('uq_code_verification_request_centre_id_organisation_id'))
    )
    with op.batch_alter_table('code_verification_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_verification_request_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_code_verification_request_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_code_verification_request_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('centre_membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.Enum('reviewer', 'consultant', name='centrerole', native_enum=False, create_constraint=True, length=20), server_default='reviewer', nullable=False))
        batch_op.drop_constraint('uq_centre_membership_user_id_centre_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_centre_membership_user_id_centre_id_role'), ['user_id', 'centre_id', 'role'])

    with op.batch_alter_table('organisation_import', schema=None) as batch_op:
        batch_op.drop_column('site_root')

    _audit_names_people_by_id()


def _audit_names_people_by_id():
    connection = op.get_bind()
    ids = {
        email.lower(): user_id
        for user_id, email in connection.execute(sa.text('SELECT id, email FROM "user"'))
    }
    events = sa.table(
        'audit_event', sa.column('id', sa.Integer), sa.column('action', sa.String),
        sa.column('detail', sa.Text),
    )
    rows = connection.execute(
        sa.select(events.c.id, events.c.action, events.c.detail).where(
            events.c.action.in_(list(EMAIL_DETAILS)), events.c.detail.is_not(None)
        )
    ).all()
    for event_id, action, detail in rows:
        old_key, new_key = EMAIL_DETAILS[action]
        values = json.loads(detail)
        if old_key not in values:
            continue
        email = values.pop(old_key)
        values[new_key] = ids.get(str(email).lower())  # None: the account is gone
        connection.execute(
            events.update().where(events.c.id == event_id).values(
                detail=json.dumps(values, ensure_ascii=False)
            )
        )


def downgrade():
    with op.batch_alter_table('organisation_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_root', sa.String(length=300), server_default='', nullable=False))

    op.execute("DELETE FROM centre_membership WHERE role <> 'reviewer'")
    with op.batch_alter_table('centre_membership', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_centre_membership_user_id_centre_id_role'), type_='unique')
        batch_op.create_unique_constraint('uq_centre_membership_user_id_centre_id', ['user_id', 'centre_id'])
        batch_op.drop_constraint(op.f('ck_centre_membership_centrerole'), type_='check')
        batch_op.drop_column('role')

    with op.batch_alter_table('code_verification_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_verification_request_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_code_verification_request_credit_code'))
        batch_op.drop_index(batch_op.f('ix_code_verification_request_centre_id'))
    op.drop_table('code_verification_request')

    # Of codes claimed twice, the verified holder (or the first) keeps it.
    op.execute(
        "UPDATE organisation SET credit_code = NULL WHERE credit_code IS NOT NULL AND id <> ("
        " SELECT o.id FROM organisation o WHERE o.credit_code = organisation.credit_code"
        " ORDER BY CASE WHEN o.credit_code_state = 'verified' THEN 0 ELSE 1 END, o.id LIMIT 1)"
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index('uq_organisation_verified_credit_code')
        batch_op.drop_index(batch_op.f('ix_organisation_credit_code'))
        batch_op.drop_constraint(batch_op.f('fk_organisation_credit_code_verified_by_id_user'), type_='foreignkey')
        batch_op.drop_column('licence_uploaded_at')
        batch_op.drop_column('licence_kind')
        batch_op.drop_column('licence_file')
        batch_op.drop_column('credit_code_verified_by_id')
        batch_op.drop_column('credit_code_verified_at')
        batch_op.drop_constraint(op.f('ck_organisation_creditcodestate'), type_='check')
        batch_op.drop_column('credit_code_state')
        batch_op.create_unique_constraint('uq_organisation_credit_code', ['credit_code'])
