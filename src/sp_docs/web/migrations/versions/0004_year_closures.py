"""year closures; submissions.source (generated | uploaded)

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('year_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('year_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_year_closures_year'), ['year'], unique=False)
        batch_op.create_index(batch_op.f('ix_year_closures_unit_id'), ['unit_id'], unique=False)
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=False, server_default='generated'))


def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('year_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_year_closures_unit_id'))
        batch_op.drop_index(batch_op.f('ix_year_closures_year'))
    op.drop_table('year_closures')
