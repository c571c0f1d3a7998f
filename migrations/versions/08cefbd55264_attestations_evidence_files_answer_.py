"""attestations, evidence files, answer reviews and verifications

Revision ID: 08cefbd55264
Revises: aad0eb5a9ad0
Create Date: 2026-12-06 06:51:20.225280

A round's submitter attests it; answers carry evidence files; a consultant or a
centre verifier (a new centre role) reviews each answer; a completed verification
marks the round's summary, which releases count.

``result_summary`` gains its columns by ``ADD COLUMN`` in place: a batch copy would
drop the triggers that keep its centre lists.
"""
from alembic import op
import sqlalchemy as sa

import maturity.models._types


# revision identifiers, used by Alembic.
revision = '08cefbd55264'
down_revision = 'aad0eb5a9ad0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('answer_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.Enum('verified', 'adjusted', 'not_verifiable', name='reviewoutcome', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('adjusted_value', sa.SmallInteger(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('method', sa.Enum('documents', 'on_site', name='reviewmethod', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', maturity.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(outcome = 'adjusted' AND adjusted_value BETWEEN 0 AND 5) OR (outcome <> 'adjusted' AND adjusted_value IS NULL)", name=op.f('ck_answer_review_adjusted_value_when_adjusted')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_answer_review_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_answer_review_reviewer_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_review')),
    sa.UniqueConstraint('assessment_id', 'question_id', name=op.f('uq_answer_review_assessment_id_question_id'))
    )
    with op.batch_alter_table('answer_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_review_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('attestation',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=False),
    sa.Column('text_version', sa.String(length=10), nullable=False),
    sa.Column('attested_at', maturity.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_attestation_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_attestation_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_attestation'))
    )
    op.create_table('evidence_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', maturity.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_evidence_file_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_evidence_file_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_evidence_file_stored_name'))
    )
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_file_answer', ['assessment_id', 'question_id'], unique=False)

    op.create_table('verification',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', maturity.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_verification_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['completed_by_id'], ['user.id'], name=op.f('fk_verification_completed_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_verification'))
    )
    op.add_column('result_summary', sa.Column('verified', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('result_summary', sa.Column('verified_index', sa.Float(precision=53), nullable=True))
    _centre_roles(('reviewer', 'consultant', 'verifier'))


def _centre_roles(roles):
    with op.batch_alter_table('centre_membership', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_centre_membership_centrerole'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_centre_membership_centrerole'),
            sa.column('role').in_(roles),
        )


def downgrade():
    op.execute("DELETE FROM centre_membership WHERE role = 'verifier'")
    _centre_roles(('reviewer', 'consultant'))
    op.execute("ALTER TABLE result_summary DROP COLUMN verified_index")
    op.execute("ALTER TABLE result_summary DROP COLUMN verified")

    op.drop_table('verification')
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_file_answer')

    op.drop_table('evidence_file')
    op.drop_table('attestation')
    with op.batch_alter_table('answer_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_review_assessment_id'))

    op.drop_table('answer_review')
