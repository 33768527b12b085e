"""Units a reservation gave back (`released`): releasing named units of it keeps it active for
the rest (a cancellation after payment stopped some parcels of its sub-order). A reservation is
active exactly while it holds units (shipped + released < quantity), and fulfilled only with
units shipped. Reservations released before hold nothing either: every unit they did not ship
counts as released, and none waits for incoming stock any more.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reservations", sa.Column("released", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.execute("UPDATE reservations SET released = quantity - shipped, incoming = 0 WHERE state = 'released'")
    op.drop_constraint("reservations_fulfilled_when_all_shipped", "reservations", type_="check")
    op.drop_constraint("reservations_shipped_within_quantity", "reservations", type_="check")
    op.create_check_constraint("reservations_units_within_quantity", "reservations",
                               "shipped >= 0 AND released >= 0 AND shipped + released + incoming <= quantity")
    op.create_check_constraint("reservations_active_while_holding", "reservations",
                               "(state = 'active') = (shipped + released < quantity)")
    op.create_check_constraint("reservations_fulfilled_when_shipped", "reservations",
                               "state <> 'fulfilled' OR shipped > 0")


def downgrade() -> None:
    op.drop_constraint("reservations_fulfilled_when_shipped", "reservations", type_="check")
    op.drop_constraint("reservations_active_while_holding", "reservations", type_="check")
    op.drop_constraint("reservations_units_within_quantity", "reservations", type_="check")
    # Before 0007 a reservation could not give back part of its units: one that did (still
    # active, or fulfilled since) is kept as if it had held only the units it did not give back,
    # which keeps the books (reserved = Σ active quantity − incoming − shipped).
    op.execute("UPDATE reservations SET quantity = quantity - released WHERE state <> 'released' AND released > 0")
    op.create_check_constraint("reservations_shipped_within_quantity", "reservations",
                               "shipped >= 0 AND shipped + incoming <= quantity")
    op.create_check_constraint("reservations_fulfilled_when_all_shipped", "reservations",
                               "(state = 'fulfilled') = (shipped = quantity)")
    op.drop_column("reservations", "released")
