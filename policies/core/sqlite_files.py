"""The SQLite database file and its `-wal` and `-shm` companions, checked before SQLite touches them.

Every process that opens the database maps its `-shm` file (the WAL index) into memory. If the
file is cut short under a running process (emptied, replaced by an unwritable one), SQLite's next
access past its new end is a SIGBUS: the process dies with every request in flight. A file the
process may not write makes every write fail inside its transaction. So before a transaction
begins, a few `stat` calls look at the files, and a broken one refuses the transaction as
OperationalError (the service answers 503 with Retry-After): nothing starts, the process lives.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True)
class Trouble:
    """What stops the database from taking a transaction now, in both languages."""

    id: str
    en: str


class FilesRefused(sqlite3.OperationalError):
    """A transaction refused because the database's files cannot be used safely now."""

    def __init__(self, trouble: Trouble) -> None:
        """Keep the trouble; the message is the English one, for the log."""
        super().__init__(trouble.en)
        self.trouble = trouble


class FileGuard:
    """Watches one SQLite file's -shm as this process mapped it, and the files' write permission."""

    def __init__(self, path: Path) -> None:
        """Guard the database at `path`."""
        self.path = path
        self.wal = Path(f"{path}-wal")
        self.shm = Path(f"{path}-shm")
        self._mutex = threading.Lock()
        self._open = 0
        # (device, inode, size) of the -shm while this process has connections open: SQLite keeps
        # it mapped until the last one closes, and never shrinks it meanwhile.
        self._mapped: tuple[int, int, int] | None = None

    def trouble(self, *, write: bool) -> Trouble | None:
        """Return what stops a transaction (a writer's when `write`) from running safely, if anything."""
        try:
            shm = os.stat(self.shm)
        except FileNotFoundError:
            shm = None
        with self._mutex:
            mapped = self._mapped if self._open else None
            if mapped is not None:
                found = None if shm is None else (shm.st_dev, shm.st_ino)
                if found != mapped[:2]:
                    return _trouble_replaced(self.shm)
                if shm is not None and shm.st_size < mapped[2]:
                    return _trouble_truncated(self.shm)
            if shm is not None and self._open:
                size = max(shm.st_size, mapped[2] if mapped else 0)
                self._mapped = (shm.st_dev, shm.st_ino, size)
        return self._unwritable() if write else self._no_wal()

    def _no_wal(self) -> Trouble | None:
        # Without its -wal, a WAL database cannot be opened at all, for reading either.
        if not os.path.exists(self.wal) and not os.access(self.path.parent, os.W_OK):
            return Trouble(
                id=f"direktori {self.path.parent} tidak dapat ditulis (SQLite membuat -wal dan -shm di sana)",
                en=f"the directory {self.path.parent} is not writable (SQLite creates the -wal and -shm "
                "there)",
            )
        return None

    def _unwritable(self) -> Trouble | None:
        for path in (self.path, self.wal, self.shm):
            # access() first: it is true for a file that exists and is writable, the usual case.
            if not os.access(path, os.W_OK) and os.path.exists(path):
                return Trouble(
                    id=f"berkas {path.name} tidak dapat ditulis oleh proses ini (uid {os.geteuid()}); "
                    "perbaiki pemilik atau izinnya",
                    en=f"{path.name} is not writable by this process (uid {os.geteuid()}); "
                    "fix its owner or permissions",
                )
        return self._no_wal()

    def note(self) -> None:
        """Record the -shm as it is after a transaction (it may have grown while mapped)."""
        try:
            shm = os.stat(self.shm)
        except FileNotFoundError:
            return
        with self._mutex:
            mapped = self._mapped
            if not self._open or (mapped is not None and (shm.st_dev, shm.st_ino) != mapped[:2]):
                return  # a replaced file is the next check's to refuse, not to be taken as ours
            self._mapped = (shm.st_dev, shm.st_ino, max(shm.st_size, mapped[2] if mapped else 0))

    def opened(self) -> None:
        """Count a connection this process opened."""
        with self._mutex:
            self._open += 1

    def closed(self) -> None:
        """Count a connection closed; once none is open, the -shm is no longer mapped here."""
        with self._mutex:
            self._open = max(0, self._open - 1)
            if not self._open:
                self._mapped = None

    def check(self, *, write: bool) -> None:
        """Raise OperationalError (a 503 for the service) when `trouble` finds any."""
        found = self.trouble(write=write)
        if found is not None:
            raise sa.exc.OperationalError("BEGIN", None, FilesRefused(found))


def _trouble_replaced(shm: Path) -> Trouble:
    return Trouble(
        id=f"berkas {shm.name} dihapus atau diganti selagi basis data terbuka; hentikan semua proses "
        "Siklus lalu mulai lagi",
        en=f"{shm.name} was removed or replaced while the database is open; stop every Siklus "
        "process, then start them again",
    )


def _trouble_truncated(shm: Path) -> Trouble:
    return Trouble(
        id=f"berkas {shm.name} terpotong selagi basis data terbuka; perbaiki izinnya, lalu mulai "
        "ulang proses ini",
        en=f"{shm.name} was truncated while the database is open; fix its permissions, then restart "
        "this process",
    )


_GUARDS: weakref.WeakKeyDictionary[sa.Engine, FileGuard] = weakref.WeakKeyDictionary()


def guard_of(engine: sa.Engine) -> FileGuard | None:
    """Return the guard installed on an engine, if any."""
    return _GUARDS.get(engine)


def install(engine: sa.Engine, *, path: Path) -> FileGuard:
    """Check the files when a connection opens and before every transaction of this engine.

    Call before the listeners that run statements on a new connection (the pragmas touch the -shm).
    """
    guard = FileGuard(path)
    _GUARDS[engine] = guard

    def connect(_dbapi_connection: Any, _record: Any) -> None:
        guard.check(write=False)
        guard.opened()

    def close(_dbapi_connection: Any, *_args: Any) -> None:
        guard.closed()

    def checkin(_dbapi_connection: Any, _record: Any) -> None:
        guard.note()

    def begin(conn: sa.Connection) -> None:
        guard.check(write=not conn.get_execution_options().get("siklus_readonly"))

    sa.event.listen(engine, "connect", connect)
    sa.event.listen(engine, "close", close)
    sa.event.listen(engine, "close_detached", close)
    sa.event.listen(engine, "checkin", checkin)
    sa.event.listen(engine, "begin", begin)
    return guard
