"""Full-text search (FTS5 on SQLite, tsvector + GIN on PostgreSQL) and the composite indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T22:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search and indexes"

INDEXES = [
    "CREATE INDEX ticket_queue_idx ON ticket (status_category, updated_at)",
    "CREATE INDEX ticket_assignee_queue_idx ON ticket (assignee, status_category, updated_at)",
    "CREATE INDEX ticket_team_queue_idx ON ticket (team, status_category, updated_at)",
    "CREATE INDEX ticket_requester_idx2 ON ticket (requester, updated_at)",
    "CREATE INDEX ticket_created_idx ON ticket (created_at)",
    "CREATE UNIQUE INDEX team_member_unique ON team_member (team, \"user\")",
    "CREATE UNIQUE INDEX ticket_tag_unique ON ticket_tag (ticket, tag)",
    "CREATE INDEX message_ticket_idx ON message (ticket, created_at)",
    "CREATE INDEX ticket_event_ticket_idx ON ticket_event (ticket, at)",
    "CREATE INDEX job_due_idx ON job (status, run_at)",
    "CREATE UNIQUE INDEX job_key_queued ON job (key) WHERE status = 'queued' AND key IS NOT NULL",
]

SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE ticket_fts USING fts5(subject, content='ticket', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER ticket_fts_ai AFTER INSERT ON ticket BEGIN "
    "INSERT INTO ticket_fts(rowid, subject) VALUES (new.id, new.subject); END",
    "CREATE TRIGGER ticket_fts_ad AFTER DELETE ON ticket BEGIN "
    "INSERT INTO ticket_fts(ticket_fts, rowid, subject) VALUES ('delete', old.id, old.subject); END",
    "CREATE TRIGGER ticket_fts_au AFTER UPDATE OF subject ON ticket BEGIN "
    "INSERT INTO ticket_fts(ticket_fts, rowid, subject) VALUES ('delete', old.id, old.subject); "
    "INSERT INTO ticket_fts(rowid, subject) VALUES (new.id, new.subject); END",
    "CREATE VIRTUAL TABLE message_fts USING fts5(body, content='message', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER message_fts_ai AFTER INSERT ON message BEGIN "
    "INSERT INTO message_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER message_fts_ad AFTER DELETE ON message BEGIN "
    "INSERT INTO message_fts(message_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER message_fts_au AFTER UPDATE OF body ON message BEGIN "
    "INSERT INTO message_fts(message_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO message_fts(rowid, body) VALUES (new.id, new.body); END",
]

POSTGRES_SEARCH = [
    "ALTER TABLE ticket ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english', coalesce(subject, ''))) STORED",
    "CREATE INDEX ticket_search_idx ON ticket USING GIN (search_vector)",
    "ALTER TABLE message ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english', coalesce(body, ''))) STORED",
    "CREATE INDEX message_search_idx ON message USING GIN (search_vector)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        search = POSTGRES_SEARCH if engine.engine_type == "postgres" else SQLITE_SEARCH
        for statement in INDEXES + search:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
