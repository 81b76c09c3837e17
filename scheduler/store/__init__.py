"""The plan store: datasets, configs, plan versions, pins, audit, identities and feed tokens.

SQLite by default, PostgreSQL through ``SCHEDULER_DB_URL``; see ``docs/store.md``.
"""
