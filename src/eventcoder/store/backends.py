"""The two engines behind one small interface: a transaction that runs SQL and bulk-inserts rows.

DuckDB: one connection per store for writes, under one lock (a single writer is what DuckDB wants
anyway); reads go through a cursor per thread (a DuckDB connection must not be used from two
threads at once), so they read the last committed state without waiting for a write.
PostgreSQL: a small pool of autocommit connections, one per concurrent call; writers serialize
per document with transaction-scoped advisory locks, so concurrent upserts of one document
neither duplicate rows nor deadlock.

SQL is written once with ``?`` placeholders; the PostgreSQL side rewrites them to ``%s``.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Protocol

from ..errors import Errors, EventcoderError, InputError
from .schema import COLUMNS

__all__ = ["Backend", "DuckDBBackend", "PostgresBackend", "Tx"]

_MIGRATION_LOCK = 0x6576636F  # "evco": one advisory lock id for schema migrations


class Tx(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
    def insert(self, table: str, rows: list[tuple[Any, ...]]) -> None: ...
    def lock(self, keys: Sequence[str]) -> None: ...


class Backend(Protocol):
    kind: str
    target: str

    def transaction(self) -> Any: ...
    def read(self) -> Any: ...
    def close(self) -> None: ...


_ARROW_TYPES = {"text": "string", "int": "int32", "bigint": "int64", "float": "float64"}


class _DuckTx:
    def __init__(self, con: Any) -> None:
        self.con = con

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.con.execute(sql, list(params))

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.con.execute(sql, list(params)).fetchall()
        return rows

    def insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """Bulk insert through an Arrow table (DuckDB's executemany runs one statement per row)."""
        if not rows:
            return
        import pyarrow as pa

        cols = COLUMNS[table]
        schema = pa.schema([(name, getattr(pa, _ARROW_TYPES[kind])()) for name, kind in cols])
        data = pa.Table.from_arrays(
            [pa.array([r[i] for r in rows], type=schema.field(i).type) for i in range(len(cols))],
            schema=schema,
        )
        names = ", ".join(name for name, _ in cols)
        self.con.register("_ec_rows", data)
        try:
            self.con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _ec_rows")
        finally:
            self.con.unregister("_ec_rows")

    def lock(self, keys: Sequence[str]) -> None:
        """Nothing to do: the store's lock already makes DuckDB calls one at a time."""


class DuckDBBackend:
    kind = "duckdb"

    def __init__(self, path: str) -> None:
        self.target = path
        try:
            import duckdb
        except ImportError:  # pragma: no cover - duckdb is a core dependency
            raise InputError(Errors.EC025, feature="the DuckDB store", extra="all") from None
        if path != ":memory:":
            p = Path(path)
            if p.is_dir():
                raise InputError(Errors.EC030, target=path, detail="it is a directory")
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(Errors.EC030, target=path, detail=str(exc)) from None
        try:
            self._con = duckdb.connect(path)
        except (duckdb.Error, OSError) as exc:
            detail = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
            if "Could not set lock" in detail:  # DuckDB: one process per file; the file is untouched
                pid = re.search(r"\(PID (\d+)\)", detail)
                raise InputError(Errors.EC082, target=path,
                                 holder=f" (PID {pid.group(1)})" if pid else "") from None
            raise InputError(Errors.EC030, target=path, detail=detail) from None
        self._lock = threading.RLock()
        self._duck_error: type[Exception] = duckdb.Error
        self._local = threading.local()  # this thread's read cursor
        self._cursors: list[Any] = []
        # read cursors are made from a connection that never runs a statement, under their own
        # lock, so making one never waits for a write on the main connection
        self._factory = self._con.cursor()
        self._cursor_lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self._lock:
            self._con.execute("BEGIN TRANSACTION")
            try:
                yield _DuckTx(self._con)
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read on this thread's own cursor: DuckDB's MVCC gives it the last committed state, so
        queries never wait behind a write (measured under load: ``docs/PERFORMANCE.md``)."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            with self._cursor_lock:
                cursor = self._factory.cursor()
                self._cursors.append(cursor)
            self._local.cursor = cursor
        yield _DuckTx(cursor)

    def is_db_error(self, exc: BaseException) -> bool:
        return isinstance(exc, self._duck_error)

    def close(self) -> None:
        with self._lock, self._cursor_lock:
            for cursor in [*self._cursors, self._factory]:
                with suppress(self._duck_error):
                    cursor.close()
            self._cursors.clear()
            self._con.close()


class _PgTx:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(self._sql(sql), list(params))

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.conn.execute(self._sql(sql), list(params)).fetchall()
        return rows

    def insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(name for name, _ in COLUMNS[table])
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def lock(self, keys: Sequence[str]) -> None:
        """Take each key's transaction lock in sorted order (the same order in every writer,
        so two writers of overlapping batches cannot deadlock)."""
        for key in sorted(set(keys)):
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


class PostgresBackend:
    kind = "postgresql"

    def __init__(self, url: str, display: str, pool_size: int = 8) -> None:
        try:
            import psycopg
        except ImportError:
            raise InputError(Errors.EC025, feature="the PostgreSQL store", extra="postgres") from None
        self._psycopg = psycopg
        self._url = url
        self.target = display
        self._idle: queue.LifoQueue[Any] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(pool_size)
        self._all: list[Any] = []
        self._guard = threading.Lock()
        self._closed = False
        with self._connection():  # fail now, with a coded message, when the server is unreachable
            pass

    def _connect(self) -> Any:
        try:
            conn = self._psycopg.connect(self._url, autocommit=True, connect_timeout=10)
        except self._psycopg.Error as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(Errors.EC030, target=self.target, detail=detail) from None
        with self._guard:
            self._all.append(conn)
        return conn

    def _discard(self, conn: Any) -> None:
        with self._guard:
            if conn in self._all:
                self._all.remove(conn)
        with suppress(self._psycopg.Error):
            conn.close()

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        if self._closed:
            raise EventcoderError(Errors.EC037, target=self.target, detail="the store is closed")
        self._slots.acquire()
        try:
            try:
                conn = self._idle.get_nowait()
                if conn.closed:
                    self._discard(conn)
                    conn = self._connect()
            except queue.Empty:
                conn = self._connect()
            healthy = False
            try:
                yield conn
                healthy = True
            finally:
                idle = self._psycopg.pq.TransactionStatus.IDLE
                if healthy and not conn.closed and conn.info.transaction_status == idle:
                    self._idle.put(conn)
                else:
                    self._discard(conn)
        finally:
            self._slots.release()

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self._connection() as conn, conn.transaction():
            yield _PgTx(conn)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        with self._connection() as conn:
            yield _PgTx(conn)

    def migration_lock(self, tx: Tx) -> None:
        self.advisory_lock(tx, _MIGRATION_LOCK)

    def advisory_lock(self, tx: Tx, key: int) -> None:
        """A transaction-scoped lock on ``key``, released at commit or rollback."""
        tx.execute("SELECT pg_advisory_xact_lock(?)", [key])

    def is_db_error(self, exc: BaseException) -> bool:
        return isinstance(exc, self._psycopg.Error)

    def is_retryable(self, exc: BaseException) -> bool:
        errors = self._psycopg.errors
        return isinstance(exc, errors.DeadlockDetected | errors.SerializationFailure | errors.UniqueViolation)

    def close(self) -> None:
        self._closed = True
        with self._guard:
            conns, self._all = list(self._all), []
        for conn in conns:
            with suppress(self._psycopg.Error):
                conn.close()
