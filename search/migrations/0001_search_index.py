"""The full-text index of images, kept in sync by the database itself (triggers), so that any
write path (a form, the admin, a job, a bulk update) updates it in the same transaction.

- PostgreSQL: a `search_document` tsvector column on images_image (title A, tags B, alt text
  and description C, the source site's host D) with a GIN index; pg_trgm and a trigram index
  for people search, skipped where the extension may not be created.
- SQLite: an FTS5 table `search_image_fts` (rowid = the image's id; columns title, tags, body,
  domain), filled by triggers on images, tagged images and tags.

Both cut text the same way: at every character that is not a letter or digit (on PostgreSQL,
ASCII punctuation is turned into spaces first, as SQLite's unicode61 tokenizer does), no
stemming, no accent folding, lower case.
"""

from django.db import DatabaseError, migrations, transaction

ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

# ---- PostgreSQL -------------------------------------------------------------------------------
PG_PUNCT = ASCII_PUNCTUATION.replace("'", "''")
PG_FORWARD = f"""
CREATE FUNCTION search_words(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT translate(coalesce(value, ''), '{PG_PUNCT}', repeat(' ', {len(ASCII_PUNCTUATION)})) $$;

CREATE FUNCTION search_host(page_url text, url text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce(substring(coalesce(nullif(page_url, ''), url, '') from '://([^/]*)'), '') $$;

CREATE FUNCTION search_tags(image_id bigint) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT coalesce(string_agg(t.name, ' '), '') FROM images_taggedimage ti
   JOIN taggit_tag t ON t.id = ti.tag_id WHERE ti.content_object_id = image_id $$;

CREATE FUNCTION search_vector(title text, tags text, body text, host text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT
    setweight(to_tsvector('simple', search_words(title)), 'A')
 || setweight(to_tsvector('simple', search_words(tags)), 'B')
 || setweight(to_tsvector('simple', search_words(body)), 'C')
 || setweight(to_tsvector('simple', search_words(host)), 'D') $$;

ALTER TABLE images_image ADD COLUMN search_document tsvector NOT NULL DEFAULT ''::tsvector;

CREATE FUNCTION search_image_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_document := search_vector(NEW.title, search_tags(NEW.id),
      NEW.alt_text || ' ' || NEW.description, search_host(NEW.page_url, NEW.url));
  RETURN NEW;
END $$;
CREATE TRIGGER search_image_row BEFORE INSERT OR UPDATE OF title, alt_text, description, url, page_url
  ON images_image FOR EACH ROW EXECUTE FUNCTION search_image_row();

CREATE FUNCTION search_image_refresh(image_id bigint) RETURNS void LANGUAGE sql AS $$
  UPDATE images_image SET search_document = search_vector(title, search_tags(id),
      alt_text || ' ' || description, search_host(page_url, url)) WHERE id = image_id $$;

-- Tags: once per statement (taggit adds an image's tags in one INSERT), for the images touched.
CREATE FUNCTION search_tagged_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE images_image SET search_document = search_vector(title, search_tags(id),
      alt_text || ' ' || description, search_host(page_url, url))
   WHERE id IN (SELECT DISTINCT content_object_id FROM changed);
  RETURN NULL;
END $$;
CREATE TRIGGER search_tagged_inserted AFTER INSERT ON images_taggedimage
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_tagged_changed();
CREATE TRIGGER search_tagged_deleted AFTER DELETE ON images_taggedimage
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_tagged_changed();

CREATE FUNCTION search_tagged_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_image_refresh(OLD.content_object_id);
  PERFORM search_image_refresh(NEW.content_object_id);
  RETURN NULL;
END $$;
CREATE TRIGGER search_tagged_moved AFTER UPDATE ON images_taggedimage
  FOR EACH ROW EXECUTE FUNCTION search_tagged_moved();

CREATE FUNCTION search_tag_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_image_refresh(ti.content_object_id) FROM images_taggedimage ti WHERE ti.tag_id = NEW.id;
  RETURN NEW;
END $$;
CREATE TRIGGER search_tag_renamed AFTER UPDATE OF name ON taggit_tag
  FOR EACH ROW EXECUTE FUNCTION search_tag_renamed();

UPDATE images_image SET search_document = search_vector(title, search_tags(id),
    alt_text || ' ' || description, search_host(page_url, url));
CREATE INDEX images_image_search_idx ON images_image USING gin (search_document);
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS search_tag_renamed ON taggit_tag;
DROP TRIGGER IF EXISTS search_tagged_inserted ON images_taggedimage;
DROP TRIGGER IF EXISTS search_tagged_deleted ON images_taggedimage;
DROP TRIGGER IF EXISTS search_tagged_moved ON images_taggedimage;
DROP TRIGGER IF EXISTS search_image_row ON images_image;
DROP FUNCTION IF EXISTS search_tag_renamed(), search_tagged_changed(), search_tagged_moved(),
    search_image_refresh(bigint),
    search_image_row(), search_vector(text, text, text, text), search_tags(bigint),
    search_host(text, text), search_words(text);
ALTER TABLE images_image DROP COLUMN IF EXISTS search_document;
DROP INDEX IF EXISTS account_user_search_trgm_idx;
"""

# People: one trigram index over the name as searched (see search/backends.py: PEOPLE_TEXT).
PG_TRGM_INDEX = """
CREATE INDEX account_user_search_trgm_idx ON account_user
  USING gin ((username || ' ' || first_name || ' ' || last_name) gin_trgm_ops);
"""

# ---- SQLite -----------------------------------------------------------------------------------
SQLITE_TAGS = """(SELECT coalesce(group_concat(t.name, ' '), '') FROM images_taggedimage ti
    JOIN taggit_tag t ON t.id = ti.tag_id WHERE ti.content_object_id = {id})"""
SQLITE_SOURCE = "(CASE WHEN {row}.page_url <> '' THEN {row}.page_url ELSE {row}.url END)"
SQLITE_REST = "substr({s}, instr({s}, '://') + 3)"
SQLITE_HOST_OF_REST = "(CASE WHEN instr({s}, '://') = 0 THEN '' WHEN instr({r}, '/') > 0 THEN substr({r}, 1, instr({r}, '/') - 1) ELSE {r} END)"


def _sqlite_host(row: str) -> str:
    source = SQLITE_SOURCE.format(row=row)
    rest = SQLITE_REST.format(s=source)
    return SQLITE_HOST_OF_REST.format(s=source, r=rest)


def _sqlite_values(row: str) -> str:
    return (
        f"{row}.id, {row}.title, {SQLITE_TAGS.format(id=row + '.id')}, "
        f"{row}.alt_text || ' ' || {row}.description, {_sqlite_host(row)}"
    )


FTS_COLUMNS = "rowid, title, tags, body, domain"
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_image_fts USING fts5(title, tags, body, domain, "
    "tokenize = 'unicode61 remove_diacritics 0')",
    f"""CREATE TRIGGER search_image_ai AFTER INSERT ON images_image BEGIN
      INSERT INTO search_image_fts({FTS_COLUMNS}) VALUES ({_sqlite_values("new")});
    END""",
    f"""CREATE TRIGGER search_image_au AFTER UPDATE OF title, alt_text, description, url, page_url
      ON images_image BEGIN
      DELETE FROM search_image_fts WHERE rowid = old.id;
      INSERT INTO search_image_fts({FTS_COLUMNS}) VALUES ({_sqlite_values("new")});
    END""",
    """CREATE TRIGGER search_image_ad AFTER DELETE ON images_image BEGIN
      DELETE FROM search_image_fts WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER search_tagged_ai AFTER INSERT ON images_taggedimage BEGIN
      UPDATE search_image_fts SET tags = {SQLITE_TAGS.format(id="new.content_object_id")}
        WHERE rowid = new.content_object_id;
    END""",
    f"""CREATE TRIGGER search_tagged_ad AFTER DELETE ON images_taggedimage BEGIN
      UPDATE search_image_fts SET tags = {SQLITE_TAGS.format(id="old.content_object_id")}
        WHERE rowid = old.content_object_id;
    END""",
    f"""CREATE TRIGGER search_tagged_au AFTER UPDATE ON images_taggedimage BEGIN
      UPDATE search_image_fts SET tags = {SQLITE_TAGS.format(id="old.content_object_id")}
        WHERE rowid = old.content_object_id;
      UPDATE search_image_fts SET tags = {SQLITE_TAGS.format(id="new.content_object_id")}
        WHERE rowid = new.content_object_id;
    END""",
    f"""CREATE TRIGGER search_tag_au AFTER UPDATE OF name ON taggit_tag BEGIN
      UPDATE search_image_fts SET tags = {SQLITE_TAGS.format(id="search_image_fts.rowid")}
        WHERE rowid IN (SELECT content_object_id FROM images_taggedimage WHERE tag_id = new.id);
    END""",
    f"INSERT INTO search_image_fts({FTS_COLUMNS}) SELECT {_sqlite_values('images_image')} "
    "FROM images_image",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_tag_au",
    "DROP TRIGGER IF EXISTS search_tagged_au",
    "DROP TRIGGER IF EXISTS search_tagged_ad",
    "DROP TRIGGER IF EXISTS search_tagged_ai",
    "DROP TRIGGER IF EXISTS search_image_ad",
    "DROP TRIGGER IF EXISTS search_image_au",
    "DROP TRIGGER IF EXISTS search_image_ai",
    "DROP TABLE IF EXISTS search_image_fts",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, None)
        try:  # pg_trgm needs the right to create extensions; people search works without
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", None)
                schema_editor.execute(PG_TRGM_INDEX, None)
        except DatabaseError:
            pass
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement, None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement, None)


class Migration(migrations.Migration):
    dependencies = [
        # After every images and account migration so far: on SQLite a migration that remakes
        # a table (an AlterField) drops its triggers, so the index's must come after them.
        ("images", "0009_unicode_slug"),
        ("account", "0007_profile_theme"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(forward, backward)]
