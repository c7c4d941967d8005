"""queue engine indexes: what a window holds, tickets transferred to one window/clerk, open breaks

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TARGETED = "target_window_id IS NOT NULL OR target_staff_id IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_holder', ['window_id', 'status'], unique=False)
        batch_op.create_index('ix_ticket_targeted', ['status', 'business_day'], unique=False,
                              sqlite_where=sa.text(TARGETED), postgresql_where=sa.text(TARGETED))
    with op.batch_alter_table('window_break', schema=None) as batch_op:
        batch_op.create_index('ix_window_break_session', ['session_id', 'ended_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('window_break', schema=None) as batch_op:
        batch_op.drop_index('ix_window_break_session')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_targeted')
        batch_op.drop_index('ix_ticket_holder')
