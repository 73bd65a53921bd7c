"""Forward-only schema migrations, numbered by SQLite's ``user_version``.

Migration N takes a workspace from version N-1 to N inside one transaction. Never edit
a migration that has shipped: add a new one. ``tests/test_migrations.py`` builds a file
at every older version and opens it with the current code.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable

from ycdesk.store import chain
from ycdesk.store.history import AUDITED, install_history_view, install_triggers

# Columns every audited record carries: a stable id, timestamps, soft delete, demo flag.
COMMON = """
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1))"""

DOMAINS = "('应对气候变化','治气','治水','治海','治土','治废','生态保护')"

SCHEMA_1 = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);

CREATE TABLE history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    action TEXT NOT NULL,
    old TEXT,
    new TEXT
);
CREATE INDEX history_row ON history (table_name, row_id);

CREATE TABLE townships ({COMMON},
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('街道','镇')),
    position INTEGER NOT NULL
);

CREATE TABLE indicators ({COMMON},
    code TEXT NOT NULL UNIQUE,
    plan TEXT NOT NULL CHECK (plan IN ('十四五','十三五','规划文本','监测')),
    nature TEXT CHECK (nature IN ('约束性','预期性')),
    category TEXT,
    seq INTEGER,
    name TEXT NOT NULL,
    unit TEXT,
    direction TEXT CHECK (direction IN ('越高越好','越低越好')),
    baseline_text TEXT,
    baseline_value REAL,
    target_text TEXT,
    target_kind TEXT NOT NULL DEFAULT 'none'
        CHECK (target_kind IN ('numeric','range','milestone','deferred','none','unparsed')),
    target_op TEXT CHECK (target_op IN ('<','<=','>','>=','=')),
    target_value TEXT,
    target_high TEXT,
    target_year INTEGER,
    limit_value REAL,
    limit_text TEXT,
    source TEXT,
    note TEXT
);

CREATE TABLE observations ({COMMON},
    indicator_id TEXT NOT NULL REFERENCES indicators(id),
    period TEXT NOT NULL,
    value REAL,
    value_text TEXT,
    scope TEXT NOT NULL DEFAULT '全区',
    township_id TEXT REFERENCES townships(id),
    source TEXT,
    operator TEXT,
    note TEXT,
    evidence_path TEXT,
    CHECK (value IS NOT NULL OR value_text IS NOT NULL)
);
CREATE UNIQUE INDEX observations_key ON observations (indicator_id, period, scope)
    WHERE deleted_at IS NULL;

CREATE TABLE projects ({COMMON},
    seq INTEGER NOT NULL,
    domain TEXT NOT NULL CHECK (domain IN {DOMAINS}),
    name TEXT NOT NULL,
    content TEXT,
    start_year INTEGER NOT NULL,
    end_year INTEGER NOT NULL,
    total_yuan INTEGER NOT NULL CHECK (total_yuan >= 0),
    fyp_yuan INTEGER NOT NULL CHECK (fyp_yuan >= 0),
    township_id TEXT REFERENCES townships(id),
    status TEXT CHECK (status IN ('储备','未开工','在建','已完工','延期','取消')),
    note TEXT,
    CHECK (start_year <= end_year),
    CHECK (fyp_yuan <= total_yuan)
);

CREATE TABLE project_units ({COMMON},
    project_id TEXT NOT NULL REFERENCES projects(id),
    unit TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX project_units_project ON project_units (project_id);

CREATE TABLE investments ({COMMON},
    project_id TEXT NOT NULL REFERENCES projects(id),
    period TEXT NOT NULL,
    amount_yuan INTEGER NOT NULL CHECK (amount_yuan >= 0),
    source TEXT,
    operator TEXT,
    note TEXT
);
CREATE UNIQUE INDEX investments_key ON investments (project_id, period) WHERE deleted_at IS NULL;

CREATE TABLE initiatives ({COMMON},
    kind TEXT NOT NULL CHECK (kind IN ('改革','政策','平台')),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    basis TEXT,
    measures TEXT,
    lead_units TEXT,
    coop_units TEXT,
    status TEXT,
    note TEXT
);

CREATE TABLE enterprises ({COMMON},
    name TEXT NOT NULL,
    uscc TEXT,
    uscc_warning TEXT,
    township_id TEXT REFERENCES townships(id),
    role TEXT CHECK (role IN ('产生','经营','产生和经营')),
    industry TEXT,
    contact TEXT
);
CREATE UNIQUE INDEX enterprises_uscc ON enterprises (uscc) WHERE uscc IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE audits ({COMMON},
    enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
    year INTEGER NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('市级','区级')),
    audit_date TEXT,
    auditors TEXT,
    score REAL,
    result TEXT CHECK (result IN ('达标','基本达标','不达标'))
);
CREATE INDEX audits_enterprise ON audits (enterprise_id);

CREATE TABLE findings ({COMMON},
    audit_id TEXT NOT NULL REFERENCES audits(id),
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    severity TEXT CHECK (severity IN ('一般','较重','严重')),
    requirement TEXT,
    deadline TEXT,
    responsible TEXT,
    status TEXT NOT NULL DEFAULT '待整改' CHECK (status IN ('待整改','整改中','已整改','已销号')),
    rectified_date TEXT,
    verifier TEXT,
    verified_date TEXT,
    note TEXT
);
CREATE INDEX findings_audit ON findings (audit_id);

CREATE TABLE audit_aggregates ({COMMON},
    year INTEGER NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('市级','区级')),
    units INTEGER NOT NULL,
    found INTEGER NOT NULL,
    rectified INTEGER NOT NULL,
    source TEXT,
    UNIQUE (year, level)
);

CREATE TABLE sludge ({COMMON},
    year INTEGER NOT NULL UNIQUE,
    enterprise_count INTEGER,
    produced_kg INTEGER,
    disposed_kg INTEGER,
    source TEXT
);
"""


def migration_1(conn: sqlite3.Connection) -> None:
    """The schema of the first release."""
    for statement in _statements(SCHEMA_1):
        conn.execute(statement)
    for table in AUDITED:
        install_triggers(conn, table)


def migration_2(conn: sqlite3.Connection) -> None:
    """Period sign-off (locks) and indexes for keyset paging of findings."""
    conn.execute(
        f"""CREATE TABLE period_locks ({COMMON},
            period TEXT NOT NULL,
            locked_by TEXT NOT NULL,
            reason TEXT
        )"""
    )
    conn.execute("CREATE UNIQUE INDEX period_locks_key ON period_locks (period) WHERE deleted_at IS NULL")
    conn.execute("CREATE INDEX findings_status_deadline ON findings (status, deadline)")
    conn.execute("CREATE INDEX findings_created ON findings (created_at, id)")
    install_triggers(conn, "period_locks")


def migration_3(conn: sqlite3.Connection) -> None:
    """Per-year planned investment profiles and progress notes for 附表1–3 items."""
    conn.execute(
        f"""CREATE TABLE project_plan_years ({COMMON},
            project_id TEXT NOT NULL REFERENCES projects(id),
            year INTEGER NOT NULL CHECK (year BETWEEN 2021 AND 2025),
            planned_yuan INTEGER NOT NULL CHECK (planned_yuan >= 0)
        )"""
    )
    conn.execute(
        "CREATE UNIQUE INDEX project_plan_years_key ON project_plan_years (project_id, year) WHERE deleted_at IS NULL"
    )
    conn.execute(
        f"""CREATE TABLE initiative_progress ({COMMON},
            initiative_id TEXT NOT NULL REFERENCES initiatives(id),
            period TEXT NOT NULL,
            status TEXT,
            note TEXT NOT NULL,
            operator TEXT
        )"""
    )
    conn.execute("CREATE INDEX initiative_progress_item ON initiative_progress (initiative_id)")
    for table in ("project_plan_years", "initiative_progress"):
        install_triggers(conn, table)


def migration_4(conn: sqlite3.Connection) -> None:
    """Targets handed down later (完成省市下达指标) and the reason a period was unlocked."""
    for column in (
        "assigned_target_text TEXT",
        "assigned_target_source TEXT",
        "assigned_target_kind TEXT",
        "assigned_target_op TEXT",
        "assigned_target_value TEXT",
        "assigned_target_high TEXT",
    ):
        conn.execute(f"ALTER TABLE indicators ADD COLUMN {column}")
    conn.execute("ALTER TABLE period_locks ADD COLUMN unlock_reason TEXT")
    install_triggers(conn, "indicators")
    install_triggers(conn, "period_locks")


def migration_5(conn: sqlite3.Connection) -> None:
    """Finding lifecycle events, evidence attachments, and indexes for the findings view."""
    conn.execute(
        f"""CREATE TABLE finding_events ({COMMON},
            finding_id TEXT NOT NULL REFERENCES findings(id),
            from_status TEXT NOT NULL,
            to_status TEXT NOT NULL,
            reason TEXT,
            operator TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX finding_events_finding ON finding_events (finding_id)")
    conn.execute(
        f"""CREATE TABLE attachments ({COMMON},
            finding_id TEXT NOT NULL REFERENCES findings(id),
            original_name TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            size INTEGER NOT NULL CHECK (size >= 0),
            version INTEGER NOT NULL DEFAULT 1,
            operator TEXT
        )"""
    )
    conn.execute("CREATE INDEX attachments_finding ON attachments (finding_id)")
    conn.execute("CREATE INDEX audits_year_level ON audits (year, level)")
    conn.execute("CREATE INDEX enterprises_township ON enterprises (township_id)")
    for table in ("finding_events", "attachments"):
        install_triggers(conn, table)


def migration_6(conn: sqlite3.Connection) -> None:
    """Covering indexes so per-audit counts and category lists never touch the table rows."""
    # Replaces findings_audit: same leading column (foreign-key lookups still use it), but
    # covering, so per-audit counts read the index alone.
    conn.execute("DROP INDEX findings_audit")
    conn.execute("CREATE INDEX findings_audit_rollup ON findings (audit_id, status, deadline, deleted_at)")
    conn.execute("CREATE INDEX findings_category ON findings (category)")
    # Repeat-finding checks: "this enterprise, this category, an earlier audit".
    conn.execute("CREATE INDEX findings_audit_category ON findings (audit_id, category, deleted_at)")


# The official assessment items (危险废物规范化环境管理评估) that findings are filed under.
CHECKLIST = (
    "污染环境防治责任制度",
    "识别标志",
    "管理计划",
    "申报登记/管理台账",
    "源头分类",
    "转移联单",
    "经营许可",
    "应急预案备案",
    "贮存设施",
    "利用/处置设施",
    "业务培训",
    "环境监测",
    "其他",
)


def migration_7(conn: sqlite3.Connection) -> None:
    """A configurable checklist of finding categories, seeded with the official items."""
    conn.execute(
        f"""CREATE TABLE finding_categories ({COMMON},
            name TEXT NOT NULL,
            position INTEGER NOT NULL
        )"""
    )
    conn.execute("CREATE UNIQUE INDEX finding_categories_name ON finding_categories (name) WHERE deleted_at IS NULL")
    install_triggers(conn, "finding_categories")
    from ycdesk.store.ids import stable_id

    now = conn.execute("SELECT ycdesk_now()").fetchone()[0]
    for position, name in enumerate(CHECKLIST, 1):
        conn.execute(
            "INSERT INTO finding_categories (id, created_at, updated_at, name, position) VALUES (?,?,?,?,?)",
            (stable_id("finding_category", name), now, now, name, position),
        )


def migration_8(conn: sqlite3.Connection) -> None:
    """Import batches and the changes each made, so a batch can be undone in one step."""
    conn.execute(
        """CREATE TABLE import_batches (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            file_name TEXT NOT NULL,
            sheet TEXT,
            sha256 TEXT NOT NULL,
            operator TEXT NOT NULL,
            created_at TEXT NOT NULL,
            new INTEGER NOT NULL, updated INTEGER NOT NULL, unchanged INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            undone_at TEXT
        )"""
    )
    conn.execute(
        """CREATE TABLE import_changes (
            batch_id TEXT NOT NULL REFERENCES import_batches(id),
            seq INTEGER NOT NULL,
            table_name TEXT NOT NULL,
            row_id TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('insert', 'update')),
            old TEXT,
            PRIMARY KEY (batch_id, seq)
        )"""
    )


def migration_9(conn: sqlite3.Connection) -> None:
    """Drop findings indexes nothing reads any more: pages are keyed by rowid and the
    category list comes from the checklist. Every index costs each inserted finding."""
    conn.execute("DROP INDEX IF EXISTS findings_created")
    conn.execute("DROP INDEX IF EXISTS findings_category")


def migration_10(conn: sqlite3.Connection) -> None:
    """An import batch records the span of history it wrote (``first_seq`` < seq ≤
    ``last_seq``; it holds the write lock, so nothing else writes in between), and that
    history is its undo log: a 100,000-row import no longer writes a second 100,000-row
    log. ``import_changes`` stays for batches imported before this version. Also the
    ``history_full`` view (see :func:`ycdesk.store.history.install_history_view`)."""
    conn.execute("ALTER TABLE import_batches ADD COLUMN first_seq INTEGER")
    conn.execute("ALTER TABLE import_batches ADD COLUMN last_seq INTEGER")
    install_history_view(conn)


_IN_CHECK = re.compile(r"CHECK \((\w+) IN \(([^()]*)\)\)")


def _or_check(match: re.Match) -> str:
    column, items = match.group(1), [item.strip() for item in match.group(2).split(",")]
    return "CHECK (" + " OR ".join(f"{column} = {item}" for item in items) + ")"


def migration_11(conn: sqlite3.Connection) -> None:
    """Every ``CHECK (x IN (a, b))`` becomes the same rule spelled ``CHECK (x = a OR x = b)``.

    SQLite builds an ephemeral table for an IN list each time a statement runs, and an
    executemany runs the INSERT once per row: the three such checks on ``findings`` made
    a 100,000-row import spend 0.37 s of 0.77 s checking them (measured with SQLite 3.40).
    Only the constraint text changes, not how rows are stored, so this uses the in-place
    procedure SQLite documents for changing CHECK constraints (writable_schema plus a
    schema_version bump, https://www.sqlite.org/lang_altertable.html#otheralter) rather
    than copying every table."""
    tables = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%CHECK (% IN (%'"
    ).fetchall()
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        for name, sql in tables:
            conn.execute(
                "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                (_IN_CHECK.sub(_or_check, sql), name),
            )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    # Reading each table makes SQLite parse the new schema now, inside the migration's
    # transaction: a rule it could not parse fails here and is rolled back.
    for name, _sql in tables:
        conn.execute(f"SELECT * FROM {name} LIMIT 0").fetchall()


def migration_12(conn: sqlite3.Connection) -> None:
    """Figures as of a date, and a register of issued reports.

    A lifecycle event now carries the day it took effect and, for a send-back, the
    rectification and verification dates it withdrew: a finding rectified on 2023-05-01
    and sent back in 2026 was rectified as of 2023-12-31, and stays so in the 2023
    figures. Events recorded before this version take their effect from the day they
    were recorded, and a send-back its withdrawn dates from the history of the finding.

    The per-audit covering index now holds the dates the as-of counts read instead of
    the status (today's status is the dates read as of today).
    """
    for column in ("effective_date TEXT", "rectified_date TEXT", "verified_date TEXT"):
        conn.execute(f"ALTER TABLE finding_events ADD COLUMN {column}")
    conn.execute("UPDATE finding_events SET effective_date = substr(created_at, 1, 10)")
    for field in ("rectified_date", "verified_date"):
        conn.execute(
            f"""UPDATE finding_events SET {field} = (
                  SELECT json_extract(h.old, '$.{field}') FROM history h
                  WHERE h.table_name = 'findings' AND h.row_id = finding_events.finding_id
                    AND h.action = 'update' AND json_extract(h.new, '$.status') = '整改中'
                    AND json_extract(h.old, '$.status') IN ('已整改', '已销号')
                    AND h.at <= finding_events.created_at
                  ORDER BY h.seq DESC LIMIT 1)
                WHERE to_status = '整改中' AND from_status IN ('已整改', '已销号')"""
        )
    install_triggers(conn, "finding_events")
    conn.execute("DROP INDEX IF EXISTS findings_audit_rollup")
    conn.execute(
        "CREATE INDEX findings_audit_asof ON findings (audit_id, deleted_at, rectified_date, verified_date, deadline)"
    )
    # COMMON's CHECK spelled as ORs, as migration 11 left every other table.
    conn.execute(
        _IN_CHECK.sub(
            _or_check,
            f"""CREATE TABLE issued_reports ({COMMON},
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            period TEXT NOT NULL,
            scope TEXT NOT NULL,
            params TEXT NOT NULL,
            as_of TEXT NOT NULL,
            fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 64),
            content TEXT NOT NULL,
            pdf_sha256 TEXT NOT NULL REFERENCES issued_report_files(sha256),
            operator TEXT NOT NULL,
            issued_at TEXT NOT NULL
        )""",
        )
    )
    # The documents themselves, by their SHA-256: immutable, so kept out of the history
    # triggers (JSON cannot hold a BLOB) and never updated.
    conn.execute("CREATE TABLE issued_report_files (sha256 TEXT PRIMARY KEY, pdf BLOB NOT NULL)")
    install_triggers(conn, "issued_reports")


def migration_13(conn: sqlite3.Connection) -> None:
    """The hash chain over history (see :mod:`ycdesk.store.chain`): a ``hash`` column, and
    the history written so far hashed once, in order. From here on every Store transaction
    seals the rows it wrote before it commits."""
    conn.execute("ALTER TABLE history ADD COLUMN hash TEXT")
    chain.seal(conn, 0)


def migration_14(conn: sqlite3.Connection) -> None:
    """Township ↔ district exchange (see ``ycdesk/exchange``): the peers this workspace
    exchanges with and their public keys, the packages sent and received, the version of
    each row last applied from each peer (so an older package never undoes a newer one),
    and every conflict an import resolved (audited, so it is kept in history too)."""
    conn.execute(
        _IN_CHECK.sub(
            _or_check,
            f"""CREATE TABLE exchange_peers ({COMMON},
        name TEXT NOT NULL,
        public_key TEXT NOT NULL CHECK (length(public_key) = 64),
        enrolled_at TEXT NOT NULL,
        revoked_at TEXT,
        last_in_seq INTEGER NOT NULL DEFAULT 0,
        out_seq INTEGER NOT NULL DEFAULT 0,
        acked_out INTEGER NOT NULL DEFAULT 0
    )""",
        )
    )
    conn.execute("""CREATE TABLE exchange_packages (
        id TEXT PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction = 'in' OR direction = 'out'),
        peer_id TEXT NOT NULL,
        township TEXT,
        seq INTEGER NOT NULL,
        base_seq INTEGER NOT NULL,
        period TEXT NOT NULL,
        file_name TEXT NOT NULL,
        made_at TEXT NOT NULL,
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        rows INTEGER NOT NULL,
        applied INTEGER NOT NULL,
        conflicts INTEGER NOT NULL,
        counts TEXT NOT NULL
    )""")
    conn.execute("CREATE INDEX exchange_packages_peer ON exchange_packages (peer_id, seq)")
    conn.execute("""CREATE TABLE exchange_rows (
        peer_id TEXT NOT NULL,
        table_name TEXT NOT NULL,
        row_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        stamp TEXT NOT NULL,
        PRIMARY KEY (peer_id, table_name, row_id)
    ) WITHOUT ROWID""")
    conn.execute(
        _IN_CHECK.sub(
            _or_check,
            f"""CREATE TABLE exchange_conflicts ({COMMON},
        package_id TEXT NOT NULL REFERENCES exchange_packages(id),
        table_name TEXT NOT NULL,
        row_id TEXT NOT NULL,
        columns TEXT NOT NULL,
        local TEXT,
        incoming TEXT,
        kept TEXT NOT NULL CHECK (kept = 'local' OR kept = 'incoming'),
        reason TEXT NOT NULL
    )""",
        )
    )
    conn.execute("CREATE INDEX exchange_conflicts_package ON exchange_conflicts (package_id)")
    for table in ("exchange_peers", "exchange_conflicts"):
        install_triggers(conn, table)


def migration_15(conn: sqlite3.Connection) -> None:
    """A trigram full-text index of finding descriptions, for substring search.

    ``instr()`` over a million descriptions reads every row (0.3–0.7 s); an FTS5 index with
    the trigram tokenizer answers a substring of three or more characters from the index.
    ``case_sensitive 1`` keeps its answers exactly those of ``instr()`` (the default folds
    ASCII case). The index holds the description only (external content, rowid = the
    finding's rowid), so it costs the text once, not a copy of the table. Created with SQL
    here rather than sqlite-utils' ``enable_fts``, which runs ``executescript`` and so
    commits the migration's transaction halfway; the triggers follow sqlite-utils' names
    (``findings_ai``/``_ad``/``_au``) so its ``detect_fts``/``rebuild_fts`` work on it, but
    the update trigger fires only when the description changes (a status move does not
    re-index the text).

    Also ``finding_counts``: per audit, its findings (not deleted), and how many of them
    carry a rectification date and a verification date, kept by triggers. Figures as of a
    day start from these and subtract the few dated after the day (see ycdesk.stats),
    instead of reading a million index entries per figure."""
    for statement in FTS_FINDINGS + FINDING_COUNTS:
        conn.execute(statement)
    conn.execute("INSERT INTO findings_fts (rowid, description) SELECT rowid, description FROM findings")
    conn.execute(
        "INSERT INTO finding_counts (audit_id, found, rectified, verified) "
        "SELECT audit_id, COUNT(*), COUNT(rectified_date), COUNT(verified_date) FROM findings "
        "WHERE deleted_at IS NULL GROUP BY audit_id"
    )
    # The figures as of a day read only the findings not rectified (or not verified) by
    # then: the few open ones, and those rectified after the day. The per-audit covering
    # index of migration 12 read every finding for every figure; findings_audit_category
    # still serves lookups by audit (its leading column).
    conn.execute("DROP INDEX IF EXISTS findings_audit_asof")
    # deleted_at (always NULL here) is a column too: SQLite checks a partial index's
    # condition against the row unless the index holds the column, so without it every
    # entry read would also read its row.
    conn.execute(
        "CREATE INDEX findings_unrectified ON findings (rectified_date, audit_id, deadline, deleted_at) "
        "WHERE deleted_at IS NULL"
    )
    conn.execute(
        "CREATE INDEX findings_verified ON findings (verified_date, audit_id, deleted_at) "
        "WHERE deleted_at IS NULL AND verified_date IS NOT NULL"
    )


FTS_FINDINGS = (
    """CREATE VIRTUAL TABLE findings_fts USING fts5 (description, tokenize = 'trigram case_sensitive 1',
        content = 'findings', content_rowid = 'rowid')""",
    """CREATE TRIGGER findings_ai AFTER INSERT ON findings BEGIN
        INSERT INTO findings_fts (rowid, description) VALUES (NEW.rowid, NEW.description);
    END""",
    """CREATE TRIGGER findings_ad AFTER DELETE ON findings BEGIN
        INSERT INTO findings_fts (findings_fts, rowid, description) VALUES ('delete', OLD.rowid, OLD.description);
    END""",
    """CREATE TRIGGER findings_au AFTER UPDATE OF description ON findings BEGIN
        INSERT INTO findings_fts (findings_fts, rowid, description) VALUES ('delete', OLD.rowid, OLD.description);
        INSERT INTO findings_fts (rowid, description) VALUES (NEW.rowid, NEW.description);
    END""",
)


# Per audit: findings not deleted, those with a rectified date, those with a verified date.
FINDING_COUNTS = (
    """CREATE TABLE finding_counts (audit_id TEXT PRIMARY KEY, found INTEGER NOT NULL DEFAULT 0,
        rectified INTEGER NOT NULL DEFAULT 0, verified INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID""",
    *(
        f"""CREATE TRIGGER finding_counts_{name} AFTER {event} ON findings {when} BEGIN {body} END"""
        for name, event, when, body in (
            ("insert", "INSERT", "WHEN NEW.deleted_at IS NULL", "{add_new}"),
            ("delete", "DELETE", "WHEN OLD.deleted_at IS NULL", "{remove_old}"),
            (
                "update",
                "UPDATE OF audit_id, deleted_at, rectified_date, verified_date",
                "WHEN OLD.audit_id IS NOT NEW.audit_id OR OLD.deleted_at IS NOT NEW.deleted_at "
                "OR (OLD.rectified_date IS NULL) != (NEW.rectified_date IS NULL) "
                "OR (OLD.verified_date IS NULL) != (NEW.verified_date IS NULL)",
                "{remove_old} {add_new}",
            ),
        )
    ),
)
_ADD = (
    "INSERT INTO finding_counts (audit_id, found, rectified, verified) SELECT NEW.audit_id, 1, "
    "NEW.rectified_date IS NOT NULL, NEW.verified_date IS NOT NULL WHERE NEW.deleted_at IS NULL "
    "ON CONFLICT (audit_id) DO UPDATE SET found = found + 1, rectified = rectified + excluded.rectified, "
    "verified = verified + excluded.verified;"
)
_REMOVE = (
    "UPDATE finding_counts SET found = found - 1, rectified = rectified - (OLD.rectified_date IS NOT NULL), "
    "verified = verified - (OLD.verified_date IS NOT NULL) "
    "WHERE audit_id = OLD.audit_id AND OLD.deleted_at IS NULL;"
)
FINDING_COUNTS = (FINDING_COUNTS[0], *(t.format(add_new=_ADD, remove_old=_REMOVE) for t in FINDING_COUNTS[1:]))


def migration_16(conn: sqlite3.Connection) -> None:
    """Indexes for sorting the findings table by a column of its own (ycdesk.findings.SORTABLE).

    A page sorted by 整改期限 over a million findings sorted every row first (about a
    second); with an index on exactly the sort expression the first page reads 200 entries.
    Partial (not deleted), as every listing asks. The audit-level columns (enterprise,
    township, year, level) need none: they are walked audit by audit. The description has
    none either: its index would be the size of the text again, for a sort nobody reads
    past the first screen of (it stays a full sort)."""
    for name, expression in SORT_INDEXES.items():
        conn.execute(f"CREATE INDEX findings_sort_{name} ON findings ({expression}) WHERE deleted_at IS NULL")


# The expressions of ycdesk.findings.SORTABLE for the findings' own columns, written as
# there (without the table alias) so that the planner matches them.
SORT_INDEXES = {
    "due": "(CASE status WHEN '待整改' THEN '0' WHEN '整改中' THEN '0' WHEN '已整改' THEN '1' ELSE '2' END"
    " || COALESCE(deadline, '~'))",
    "deadline": "COALESCE(deadline, '')",
    "category": "COALESCE(category, '')",
    "status": "COALESCE(status, '')",
    "responsible": "COALESCE(responsible, '')",
}


def migration_17(conn: sqlite3.Connection) -> None:
    """Counts for the findings filters read from indexes alone.

    The 整改状态 and 只看逾期 filters counted through (status, deadline) and then read every
    matching row for ``deleted_at``: 30,000–70,000 row reads, 240–340 ms over a million
    findings, and with a category or audit filter as well the planner went by those and
    read every row (0.6–0.9 s). ``findings_open`` holds the open findings only (not
    deleted; 待整改 or 整改中 — the few a mature workspace has) with status, deadline,
    category and audit, so those counts and their combinations come from it (3–13 ms),
    and an import adds to it only its open rows. (Covering every status instead cost an
    import of 100,000 rows into a million about 1.2 s of CPU more, for an index of
    ~85 MB.) ``findings_deleted`` lists the few deleted findings, so a count can take them
    off an index's answer instead of reading every matching row."""
    conn.execute(
        f"CREATE INDEX {OPEN_INDEX} ON findings (status, deadline, category, audit_id) WHERE {OPEN_INDEX_WHERE}"
    )
    conn.execute(f"CREATE INDEX {DELETED_INDEX} ON findings (deleted_at) WHERE deleted_at IS NOT NULL")
    # Reports and the summary count the demo records (for the 演示数据 watermark): without
    # an index that read every finding (0.23 s of a quarterly report over a million).
    conn.execute("CREATE INDEX findings_demo ON findings (deleted_at) WHERE is_demo = 1")


def migration_19(conn: sqlite3.Connection) -> None:
    """An index on the description, the sort expression of 问题描述 (ycdesk.findings.SORTABLE).

    Two uses over a million findings: a page sorted by 问题描述 read and sorted every row
    (3.4 s; with the index 200 entries, under a millisecond), and a search of one or two
    characters — which the trigram index cannot look up — read every row of the table
    (220 MB) to test the description; it now reads this index instead (34 MB, the text and
    the row key only), about a sixth of the pages: 1.1 s → 0.16–0.23 s on a loaded machine.
    Cost: 34 MB per million findings (5.6 % of the workspace), built in about a second."""
    conn.execute(f"CREATE INDEX {DESCRIPTION_INDEX} ON findings (COALESCE(description, '')) WHERE deleted_at IS NULL")


DESCRIPTION_INDEX = "findings_sort_description"


# Named in ycdesk.findings' counts (INDEXED BY, and the condition a query repeats word for
# word so that SQLite may use the partial index).
OPEN_INDEX = "findings_open"
OPEN_INDEX_WHERE = "deleted_at IS NULL AND status IN ('待整改', '整改中')"
DELETED_INDEX = "findings_deleted"


def migration_18(conn: sqlite3.Connection) -> None:
    """Why a record was deleted (a finding, an audit, an enterprise, an evidence file):
    the desk's 删除/移除 asks for a reason; the row keeps its last one, history every one."""
    for table in ("findings", "audits", "enterprises", "attachments"):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN deleted_reason TEXT")
        install_triggers(conn, table)  # history records the new column too


def migration_20(conn: sqlite3.Connection) -> None:
    """Why an investment-progress record was deleted: 删除 on 重大工程 → 投资进展 asks for a
    reason as every other deletion does (the row keeps its last one, history every one)."""
    conn.execute("ALTER TABLE investments ADD COLUMN deleted_reason TEXT")
    install_triggers(conn, "investments")  # history records the new column too


# Searches of one or two characters (below the trigram index's three). Every description
# is also indexed as its two-character pieces (each character with the one after it, the
# last one alone), in a contentless FTS5 index without positions (row keys only: about
# 30 MB per million findings). Two characters are one piece; one character begins every
# piece holding it, found through the index's own index of one-character prefixes
# (``prefix = '1'``: a character in a quarter of a million findings counted in 17 ms, where
# merging its pieces' lists took 140-190 ms; indexing the characters as tokens of their own
# answered as fast but made an import's fill a third slower). The ``ascii`` tokenizer keeps
# every non-ASCII character (Chinese, full-width punctuation) in its token and splits at
# ASCII punctuation and spaces, folding ASCII case: so a text of non-ASCII characters and
# digits is found exactly as instr() finds it, and any other short text keeps the
# description-index scan (ycdesk.findings).
# The pieces are cut in SQL, from a table of the positions 1…32,767 (a new description
# cannot be longer: rules.MAX_TEXT, Excel's cell limit; the table reaches further when the
# workspace already held a longer one), so the triggers, the bulk fill and this migration
# cut them the same way, whichever connection writes.
SEARCH_POSITIONS = 32_767


def grams_sql(column: str) -> str:
    """The two-character pieces of ``column`` (an SQL expression), space separated (the
    last character alone)."""
    return f"(SELECT group_concat(substr({column}, n, 2), ' ') FROM search_positions WHERE n <= length({column}))"


SEARCH_GRAMS = (
    "CREATE TABLE search_positions (n INTEGER PRIMARY KEY)",
    "CREATE VIRTUAL TABLE findings_grams USING fts5 (grams, content = '', detail = none, tokenize = 'ascii', "
    "prefix = '1')",
)
# Migration 15's triggers, now keeping both indexes (the same names, so a bulk load's
# dropping and filling of derived data covers both; see ycdesk.store.derived).
FTS_FINDINGS_21 = (
    f"""CREATE TRIGGER findings_ai AFTER INSERT ON findings BEGIN
        INSERT INTO findings_fts (rowid, description) VALUES (NEW.rowid, NEW.description);
        INSERT INTO findings_grams (rowid, grams) VALUES (NEW.rowid, {grams_sql("NEW.description")});
    END""",
    f"""CREATE TRIGGER findings_ad AFTER DELETE ON findings BEGIN
        INSERT INTO findings_fts (findings_fts, rowid, description) VALUES ('delete', OLD.rowid, OLD.description);
        INSERT INTO findings_grams (findings_grams, rowid, grams)
            VALUES ('delete', OLD.rowid, {grams_sql("OLD.description")});
    END""",
    f"""CREATE TRIGGER findings_au AFTER UPDATE OF description ON findings BEGIN
        INSERT INTO findings_fts (findings_fts, rowid, description) VALUES ('delete', OLD.rowid, OLD.description);
        INSERT INTO findings_fts (rowid, description) VALUES (NEW.rowid, NEW.description);
        INSERT INTO findings_grams (findings_grams, rowid, grams)
            VALUES ('delete', OLD.rowid, {grams_sql("OLD.description")});
        INSERT INTO findings_grams (rowid, grams) VALUES (NEW.rowid, {grams_sql("NEW.description")});
    END""",
)


def has_grams(conn: sqlite3.Connection) -> bool:
    """Whether the workspace has the index of short texts (migration 21 has run)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'findings_grams'").fetchone() is not None


def fill_grams(conn: sqlite3.Connection, after: int = 0) -> None:
    """Index the descriptions of the findings after rowid ``after`` (see SEARCH_GRAMS)."""
    # (A Python function cutting them was no faster: 0.85-0.89 s against 0.75-0.96 s for
    # 100,000 descriptions, and it would be a second copy of the rule.)
    conn.execute(
        f"INSERT INTO findings_grams (rowid, grams) SELECT rowid, {grams_sql('description')} FROM findings "
        "WHERE rowid > ?",
        (after,),
    )


def migration_21(conn: sqlite3.Connection) -> None:
    """An index of every description's two-character pieces, so that a
    search of one or two characters (most Chinese words are two) is looked up rather than
    tested against a million descriptions (0.2-0.4 s on a slow laptop; see SEARCH_GRAMS)."""
    for statement in SEARCH_GRAMS:
        conn.execute(statement)
    # A description typed in before the limit (the form had none) may be longer: the
    # positions reach the longest one held, or its end would not be found.
    longest = conn.execute("SELECT MAX(length(description)) FROM findings").fetchone()[0] or 0
    conn.execute(
        "INSERT INTO search_positions (n) SELECT value FROM json_each(?)",
        (json.dumps(list(range(1, max(SEARCH_POSITIONS, longest) + 1))),),
    )
    for name in ("findings_ai", "findings_ad", "findings_au"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")  # one lost is put back, not a refusal to upgrade
    for statement in FTS_FINDINGS_21:
        conn.execute(statement)
    fill_grams(conn)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    migration_1,
    migration_2,
    migration_3,
    migration_4,
    migration_5,
    migration_6,
    migration_7,
    migration_8,
    migration_9,
    migration_10,
    migration_11,
    migration_12,
    migration_13,
    migration_14,
    migration_15,
    migration_16,
    migration_17,
    migration_18,
    migration_19,
    migration_20,
    migration_21,
]
LATEST = len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT the surrounding transaction, so split by hand;
    # the schema has no semicolons inside string literals.
    return [s.strip() for s in script.split(";") if s.strip()]


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> list[int]:
    """Apply migrations up to ``target``, each in its own transaction. Returns those applied."""
    applied = []
    current = version(conn)
    if current > LATEST:
        from ycdesk.errors import UserError
        from ycdesk.i18n import _

        raise UserError(_("工作区文件版本为{0}，高于本程序支持的{1}，请升级 ycdesk 后再打开").format(current, LATEST))
    for number in range(current + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            start = chain.mark(conn) if number > 13 else 0
            MIGRATIONS[number - 1](conn)
            if number > 13:  # history a later migration writes is sealed like any other
                chain.seal(conn, start)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied
