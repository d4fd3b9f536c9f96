"""HQ foundation: branches, devices, one-time registration codes; RLS on PostgreSQL.

Revision ID: hq0001
Revises:
Create Date: 2026-11-22

On PostgreSQL this revision also sets up the second wall of G4:
- the serving role ``kamdesk_hq`` (LOGIN, no superuser, no BYPASSRLS) owns no table
  and gets only the privileges the service needs (column-level UPDATE; no DELETE);
- row-level security is ENABLED and FORCED on every branch-scoped table; the policy
  ``branch_scope`` shows a row only when it belongs to the transaction's
  ``kamdesk.branch_id`` setting, or (devices, codes) when the transaction names the
  hash of that row's secret; writes must stay inside the branch (WITH CHECK);
- the migrating role (the owner, used by the admin command line) gets the explicit
  policy ``hq_admin``, so forcing RLS never locks HQ's own admin out.
The role is cluster-wide and is kept on downgrade (other HQ databases may use it).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "hq0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "kamdesk_hq"
BRANCH = "current_setting('kamdesk.branch_id', true)"
SCOPES = {
    "branches": f"id = {BRANCH}",
    "devices": f"branch_id = {BRANCH} OR token_hash = current_setting('kamdesk.token_hash', true)",
    "registration_codes": (
        f"branch_id = {BRANCH} OR code_hash = current_setting('kamdesk.code_hash', true)"
    ),
}
CHECKS = {
    "branches": f"id = {BRANCH}",
    "devices": f"branch_id = {BRANCH}",
    "registration_codes": f"branch_id = {BRANCH}",
}
GRANTS = [
    f"GRANT SELECT ON branches TO {ROLE}",
    f"GRANT SELECT, INSERT ON devices TO {ROLE}",
    f"GRANT UPDATE (last_seen_at, protocol_version, schema_version, client_version)"
    f" ON devices TO {ROLE}",
    f"GRANT SELECT ON registration_codes TO {ROLE}",
    f"GRANT UPDATE (used_at, used_by_device_id) ON registration_codes TO {ROLE}",
]


def _create_tables() -> None:
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "branches",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branches")),
        sa.UniqueConstraint("code", name=op.f("uq_branches_code")),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("branch_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("last_seen_at", ts, nullable=True),
        sa.Column("revoked_at", ts, nullable=True),
        sa.Column("protocol_version", sa.Integer(), nullable=True),
        sa.Column("schema_version", sa.Integer(), nullable=True),
        sa.Column("client_version", sa.String(40), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_devices_branch_id_branches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_devices_token_hash")),
    )
    op.create_index(op.f("ix_devices_branch_id"), "devices", ["branch_id"])
    op.create_table(
        "registration_codes",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("branch_id", sa.String(36), nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("expires_at", ts, nullable=False),
        sa.Column("used_at", ts, nullable=True),
        sa.Column("used_by_device_id", sa.String(36), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_registration_codes_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["used_by_device_id"],
            ["devices.id"],
            name=op.f("fk_registration_codes_used_by_device_id_devices"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_registration_codes_code_hash")),
    )
    op.create_index(op.f("ix_registration_codes_branch_id"), "registration_codes", ["branch_id"])


def _create_serving_role_and_policies() -> None:
    op.execute(
        f"""
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN
            BEGIN
              CREATE ROLE {ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
            EXCEPTION WHEN duplicate_object THEN NULL;  -- created meanwhile elsewhere
            END;
          END IF;
          IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}'
                     AND (rolsuper OR rolbypassrls)) THEN
            RAISE EXCEPTION 'role {ROLE} must not be superuser or bypass row-level security';
          END IF;
          IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
             AND NOT pg_has_role(current_user, '{ROLE}', 'MEMBER') THEN
            GRANT {ROLE} TO CURRENT_USER;  -- lets the service SET ROLE {ROLE}
          END IF;
          EXECUTE format('GRANT USAGE ON SCHEMA %I TO {ROLE}', current_schema());
        END
        $$;
        """
    )
    for grant in GRANTS:
        op.execute(grant)
    for table, scope in SCOPES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY branch_scope ON {table} USING ({scope}) WITH CHECK ({CHECKS[table]})"
        )
        op.execute(
            f"CREATE POLICY hq_admin ON {table} TO CURRENT_USER USING (true) WITH CHECK (true)"
        )


def upgrade() -> None:
    _create_tables()
    if op.get_bind().dialect.name == "postgresql":
        _create_serving_role_and_policies()


def downgrade() -> None:
    op.drop_index(op.f("ix_registration_codes_branch_id"), table_name="registration_codes")
    op.drop_table("registration_codes")
    op.drop_index(op.f("ix_devices_branch_id"), table_name="devices")
    op.drop_table("devices")
    op.drop_table("branches")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"DO $$ BEGIN EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM {ROLE}', "
            "current_schema()); END $$;"
        )
