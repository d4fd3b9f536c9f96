"""The HQ service: branches, device registration and tokens, the sync API (issue 6).

Modules: ``models`` and ``migrations`` (HQ's own schema, SQLite or PostgreSQL),
``database`` (engines, migrating, branch scoping and row-level security settings),
``credentials`` (tokens and one-time codes, stored only as hashes), ``admin`` (what the
command line does), ``devices`` (register and authenticate), ``app`` with
``api_models`` and ``http_guards`` (the HTTP API), ``cli`` (``kamdesk-hq``; its ``report
kpi`` is added by ``kamdesk.commands.hq``), ``branch_rows`` (a branch's rows for reports).

Layering: imports ``kamdesk.domain``, ``kamdesk.errors``, ``kamdesk.i18n`` and the
wire types of ``kamdesk.sync.protocol``; never the desktop database, services or Qt.
"""
