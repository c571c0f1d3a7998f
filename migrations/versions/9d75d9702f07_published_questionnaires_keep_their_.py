"""published questionnaires keep their content as JSON

Revision ID: 9d75d9702f07
Revises: 2b37995f5d33
Create Date: 2026-11-28 20:40:00

``questionnaire_version.document``: the content as validated when it was published,
as JSON in the file's order. Every process that scores or reports read the YAML
source back (40 ms for the two shipped versions; JSON takes 2). Existing rows get it
from their source, checked against their content hash. Added in place (no batch copy
of a table the assessments refer to).
"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa
import yaml


# revision identifiers, used by Alembic.
revision = '9d75d9702f07'
down_revision = '2b37995f5d33'
branch_labels = None
depends_on = None


def _stringify_keys(value):
    # As core.questionnaire.loader read the file when it was published.
    if isinstance(value, dict):
        return {str(key): _stringify_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stringify_keys(item) for item in value]
    return value


def upgrade():
    op.add_column(
        'questionnaire_version',
        sa.Column('document', sa.Text(), server_default='', nullable=False),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, key, version, content_hash, source FROM questionnaire_version")
    ).all()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for row in rows:
        data = _stringify_keys(yaml.load(row.source, Loader=loader))
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if hashlib.sha256(canonical.encode("utf-8")).hexdigest() != row.content_hash:
            raise RuntimeError(
                f"{row.key}@{row.version}: stored source does not match its content hash"
            )
        connection.execute(
            sa.text("UPDATE questionnaire_version SET document = :document WHERE id = :id"),
            {"document": json.dumps(data, ensure_ascii=False, separators=(",", ":")), "id": row.id},
        )


def downgrade():
    op.drop_column('questionnaire_version', 'document')
