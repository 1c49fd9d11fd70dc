"""Knowledge base tables and full-text search (FTS5 on SQLite, tsvector + GIN on PostgreSQL)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T01:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "kb tables and search"

# {pk} and {big} differ per backend; every other type is spelled so that Piccolo's SQLite
# converters (TIMESTAMPTZ, BOOLEAN) turn values back into Python objects.
TABLES = [
    "CREATE TABLE kb_category (id {pk}, "
    "parent_id INTEGER REFERENCES kb_category (id) ON DELETE SET NULL, "
    "slug VARCHAR(120) NOT NULL UNIQUE, name VARCHAR(200) NOT NULL, "
    "description TEXT NOT NULL DEFAULT '', position INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE kb_article (id {pk}, group_id INTEGER, language VARCHAR(16) NOT NULL, "
    "category_id INTEGER REFERENCES kb_category (id) ON DELETE SET NULL, "
    "slug VARCHAR(160) NOT NULL, title VARCHAR(300) NOT NULL, body TEXT NOT NULL, "
    "body_html TEXT NOT NULL, body_text TEXT NOT NULL, "
    "description VARCHAR(300) NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '', "
    "state VARCHAR(16) NOT NULL, author_id INTEGER REFERENCES users (id) ON DELETE SET NULL, "
    "source_ticket_id INTEGER REFERENCES ticket (id) ON DELETE SET NULL, "
    "helpful_yes INTEGER NOT NULL DEFAULT 0, helpful_no INTEGER NOT NULL DEFAULT 0, "
    "created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL, published_at TIMESTAMPTZ, "
    "version INTEGER NOT NULL DEFAULT 1, UNIQUE (language, slug))",
    "CREATE INDEX kb_article_group_idx ON kb_article (group_id)",
    "CREATE INDEX kb_article_list_idx ON kb_article (language, state, category_id)",
    "CREATE TABLE kb_revision (id {pk}, "
    "article_id INTEGER NOT NULL REFERENCES kb_article (id) ON DELETE CASCADE, "
    "number INTEGER NOT NULL, title VARCHAR(300) NOT NULL, body TEXT NOT NULL, "
    "state VARCHAR(16) NOT NULL, author_id INTEGER REFERENCES users (id) ON DELETE SET NULL, "
    "note VARCHAR(300) NOT NULL DEFAULT '', created_at TIMESTAMPTZ NOT NULL, "
    "UNIQUE (article_id, number))",
    "CREATE TABLE kb_related ("
    "article_id INTEGER NOT NULL REFERENCES kb_article (id) ON DELETE CASCADE, "
    "related_id INTEGER NOT NULL REFERENCES kb_article (id) ON DELETE CASCADE, "
    "PRIMARY KEY (article_id, related_id))",
    "CREATE TABLE kb_attachment (id {pk}, "
    "article_id INTEGER NOT NULL REFERENCES kb_article (id) ON DELETE CASCADE, "
    "filename VARCHAR(255) NOT NULL, content_type VARCHAR(120) NOT NULL, "
    "size INTEGER NOT NULL, sha256 VARCHAR(64) NOT NULL, created_at TIMESTAMPTZ NOT NULL)",
    "CREATE INDEX kb_attachment_article_idx ON kb_attachment (article_id)",
    "CREATE TABLE kb_vote (article_id INTEGER NOT NULL REFERENCES kb_article (id) "
    "ON DELETE CASCADE, voter VARCHAR(80) NOT NULL, helpful BOOLEAN NOT NULL, "
    "at TIMESTAMPTZ NOT NULL, PRIMARY KEY (article_id, voter))",
    "CREATE TABLE kb_view (article_id INTEGER PRIMARY KEY REFERENCES kb_article (id) "
    "ON DELETE CASCADE, views {big} NOT NULL DEFAULT 0)",
    "CREATE TABLE kb_usage (id {pk}, "
    "article_id INTEGER NOT NULL REFERENCES kb_article (id) ON DELETE CASCADE, "
    "ticket_id INTEGER NOT NULL REFERENCES ticket (id) ON DELETE CASCADE, "
    "actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL, kind VARCHAR(16) NOT NULL, "
    "at TIMESTAMPTZ NOT NULL)",
    "CREATE INDEX kb_usage_ticket_idx ON kb_usage (ticket_id)",
    "CREATE INDEX kb_usage_article_idx ON kb_usage (article_id, at)",
    "CREATE TABLE kb_deflection (id {pk}, "
    "article_id INTEGER NOT NULL REFERENCES kb_article (id) ON DELETE CASCADE, "
    "actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL, "
    "subject VARCHAR(300) NOT NULL DEFAULT '', at TIMESTAMPTZ NOT NULL)",
    "CREATE INDEX kb_deflection_at_idx ON kb_deflection (at)",
]

SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE kb_article_fts USING fts5(title, body_text, content='kb_article', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4')",
    # Document frequency of each (stemmed) term: suggestions skip words most articles contain.
    "CREATE VIRTUAL TABLE kb_article_terms USING fts5vocab('kb_article_fts', 'row')",
    "CREATE TRIGGER kb_article_fts_ai AFTER INSERT ON kb_article BEGIN "
    "INSERT INTO kb_article_fts(rowid, title, body_text) "
    "VALUES (new.id, new.title, new.body_text); END",
    "CREATE TRIGGER kb_article_fts_ad AFTER DELETE ON kb_article BEGIN "
    "INSERT INTO kb_article_fts(kb_article_fts, rowid, title, body_text) "
    "VALUES ('delete', old.id, old.title, old.body_text); END",
    "CREATE TRIGGER kb_article_fts_au AFTER UPDATE OF title, body_text ON kb_article BEGIN "
    "INSERT INTO kb_article_fts(kb_article_fts, rowid, title, body_text) "
    "VALUES ('delete', old.id, old.title, old.body_text); "
    "INSERT INTO kb_article_fts(rowid, title, body_text) "
    "VALUES (new.id, new.title, new.body_text); END",
]

# The text search configuration follows the article's language (a CASE of constants keeps the
# generated column immutable); kb.search.pg_config must list the same languages.
LANGUAGE_CONFIGS = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
}
# Each literal is cast on its own: a constant regconfig keeps the expression immutable.
PG_CONFIG = (
    "(CASE language "
    + " ".join(f"WHEN '{code}' THEN '{cfg}'::regconfig" for code, cfg in LANGUAGE_CONFIGS.items())
    + " ELSE 'simple'::regconfig END)"
)
POSTGRES_SEARCH = [
    "ALTER TABLE kb_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({PG_CONFIG}, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector({PG_CONFIG}, coalesce(body_text, '')), 'B')) STORED",
    "CREATE INDEX kb_article_search_idx ON kb_article USING GIN (search_vector)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="kb", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        postgres = engine.engine_type == "postgres"
        pk = "SERIAL PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
        big = "BIGINT" if postgres else "INTEGER"
        for statement in TABLES:
            await engine.run_ddl(statement.replace("{pk}", pk).replace("{big}", big))
        for statement in POSTGRES_SEARCH if postgres else SQLITE_SEARCH:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
