//! The two backends' migrations build the same schema: a fresh SQLite
//! database and a fresh PostgreSQL database, each migrated by its
//! repository, have the same tables, the same columns per table (names,
//! not types), the same primary keys and unique constraints (their
//! columns; the engines name them differently) and the same named indexes
//! (names, tables, columns, uniqueness). sqlx's `_sqlx_migrations` and
//! SQLite's internal `sqlite_*` tables are left out.

use crate::common;

use kefu_db::Repository;
use kefu_db_postgres::PostgresRepository;
use kefu_db_sqlite::SqliteRepository;
use sqlx::{Connection, Row};
use std::collections::{BTreeMap, BTreeSet};

/// What one table is made of.
#[derive(Debug, Default, PartialEq)]
struct Table {
    columns: BTreeSet<String>,
    primary_key: Vec<String>,
    unique: BTreeSet<Vec<String>>,
}

/// A named index: its table, its columns in order, and whether it is
/// unique.
type Index = (String, Vec<String>, bool);

/// A whole schema.
#[derive(Debug, Default)]
struct Schema {
    tables: BTreeMap<String, Table>,
    indexes: BTreeMap<String, Index>,
}

/// The schema of a SQLite database, read from `sqlite_master` and the
/// table and index pragmas.
async fn sqlite_schema(url: &str) -> Schema {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut schema = Schema::default();
    for name in names {
        let cols = sqlx::query("SELECT name, pk FROM pragma_table_info(?) ORDER BY pk, cid")
            .bind(&name)
            .fetch_all(&mut c)
            .await
            .unwrap();
        let mut t = Table::default();
        for col in &cols {
            let col_name: String = col.get("name");
            if col.get::<i64, _>("pk") > 0 {
                t.primary_key.push(col_name.clone());
            }
            t.columns.insert(col_name);
        }
        let indexes = sqlx::query("SELECT name, \"unique\", origin FROM pragma_index_list(?)")
            .bind(&name)
            .fetch_all(&mut c)
            .await
            .unwrap();
        for ix in indexes {
            let ix_name: String = ix.get("name");
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                    .bind(&ix_name)
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            match ix.get::<String, _>("origin").as_str() {
                "pk" => {} // read from table_info (INTEGER PRIMARY KEY has no index)
                "u" => {
                    t.unique.insert(columns);
                }
                _ => {
                    let unique = ix.get::<i64, _>("unique") != 0;
                    schema
                        .indexes
                        .insert(ix_name, (name.clone(), columns, unique));
                }
            }
        }
        schema.tables.insert(name, t);
    }
    c.close().await.unwrap();
    schema
}

/// The schema of a PostgreSQL database's `public` schema, read from
/// `information_schema` and the catalogue.
async fn postgres_schema(url: &str) -> Schema {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let cols = sqlx::query(
        "SELECT c.table_name::text AS t, c.column_name::text AS col \
         FROM information_schema.columns c JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut schema = Schema::default();
    for col in cols {
        let t: String = col.get("t");
        schema
            .tables
            .entry(t)
            .or_default()
            .columns
            .insert(col.get("col"));
    }
    // Every index with its columns in order, and the constraint it backs.
    let indexes = sqlx::query(
        "SELECT i.relname::text AS name, t.relname::text AS t, ix.indisunique AS is_unique, \
                con.contype::text AS constraint_kind, \
                ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(num, ord) \
                      JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.num \
                      ORDER BY k.ord) AS columns \
         FROM pg_index ix \
         JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.contype IN ('p', 'u') \
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for ix in indexes {
        let name: String = ix.get("name");
        let table: String = ix.get("t");
        let columns: Vec<String> = ix.get("columns");
        let kind: Option<String> = ix.get("constraint_kind");
        let t = schema.tables.entry(table.clone()).or_default();
        match kind.as_deref() {
            Some("p") => t.primary_key = columns,
            Some(_) => {
                t.unique.insert(columns);
            }
            None => {
                let unique: bool = ix.get("is_unique");
                schema.indexes.insert(name, (table, columns, unique));
            }
        }
    }
    c.close().await.unwrap();
    schema
}

/// The differences of two schemas, one line each.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<&String> = sqlite.tables.keys().chain(postgres.tables.keys()).collect();
    for name in names {
        match (sqlite.tables.get(name), postgres.tables.get(name)) {
            (Some(s), Some(p)) => {
                for c in s.columns.difference(&p.columns) {
                    out.push(format!("{name}.{c}: only on SQLite"));
                }
                for c in p.columns.difference(&s.columns) {
                    out.push(format!("{name}.{c}: only on PostgreSQL"));
                }
                if s.primary_key != p.primary_key {
                    out.push(format!(
                        "{name}: primary key {:?} on SQLite, {:?} on PostgreSQL",
                        s.primary_key, p.primary_key
                    ));
                }
                if s.unique != p.unique {
                    out.push(format!(
                        "{name}: unique {:?} on SQLite, {:?} on PostgreSQL",
                        s.unique, p.unique
                    ));
                }
            }
            (Some(_), None) => out.push(format!("table {name}: only on SQLite")),
            _ => out.push(format!("table {name}: only on PostgreSQL")),
        }
    }
    let names: BTreeSet<&String> = sqlite
        .indexes
        .keys()
        .chain(postgres.indexes.keys())
        .collect();
    for name in names {
        let (s, p) = (sqlite.indexes.get(name), postgres.indexes.get(name));
        if s != p {
            out.push(format!(
                "index {name}: {s:?} on SQLite, {p:?} on PostgreSQL"
            ));
        }
    }
    out
}

#[tokio::test]
async fn sqlite_and_postgres_migrate_to_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kefu.db");
    let sqlite = SqliteRepository::open(&file).await.unwrap();
    let sqlite_url = format!("sqlite://{}", file.display());
    let lite = sqlite_schema(&sqlite_url).await;
    sqlite.close().await.unwrap();

    let db = kefu_db::contract::unique_database_name("kefu_test", "schema_parity");
    let url = common::fresh_database(&db).await;
    let pg = PostgresRepository::connect(&url).await.unwrap();
    let post = postgres_schema(&url).await;
    pg.close().await;
    common::drop_database(&db).await;

    assert!(
        lite.tables.contains_key("messages") && lite.indexes.contains_key("messages_conv"),
        "the SQLite schema was read: {lite:?}"
    );
    assert!(
        post.tables.contains_key("messages") && post.indexes.contains_key("messages_conv"),
        "the PostgreSQL schema was read: {post:?}"
    );
    assert_eq!(
        differences(&lite, &post),
        Vec::<String>::new(),
        "the migrations of the two backends differ"
    );
    // The comparison does see a difference.
    let mut other = Schema::default();
    other.tables.insert("messages".into(), Table::default());
    assert!(!differences(&lite, &other).is_empty());
}
