"""SQLite's files are looked at before each transaction: a broken -shm or an unwritable file refuses
it with OperationalError, before SQLite touches them.

These run on SQLite files of their own in both passes: the files exist only for SQLite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from policies.core.db import get_engine, read_session, unit_of_work, write_trouble
from policies.core.migrate import upgrade
from policies.core.sqlite_files import FilesRefused


def _database(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "berkas.db"
    url = f"sqlite:///{path}"
    upgrade(url)  # the readiness probe writes to alembic_version
    with unit_of_work(url) as s:
        s.execute(sa.text("CREATE TABLE catatan (id INTEGER PRIMARY KEY, isi TEXT)"))
        s.execute(sa.text("INSERT INTO catatan (isi) VALUES ('pertama')"))
    return url, path


def _refusal(url: str, *, write: bool) -> FilesRefused:
    with pytest.raises(sa.exc.OperationalError) as refused:
        if write:
            with unit_of_work(url) as s:
                s.execute(sa.text("INSERT INTO catatan (isi) VALUES ('kedua')"))
        else:
            with read_session(url) as s:
                s.execute(sa.text("SELECT count(*) FROM catatan")).one()
    assert isinstance(refused.value.orig, FilesRefused)
    return refused.value.orig


def test_a_shm_replaced_under_the_process_refuses_reads_and_writes_until_it_is_its_own_again(
    tmp_path: Path,
) -> None:
    url, path = _database(tmp_path)
    shm = Path(f"{path}-shm")
    kept = tmp_path / "kept-shm"
    shutil.copy(shm, kept)
    os.replace(kept, shm)  # same size, another file: other processes would use another index
    assert "removed or replaced" in _refusal(url, write=False).trouble.en
    assert "dihapus atau diganti" in _refusal(url, write=True).trouble.id
    get_engine(url).dispose()  # every connection closed: nothing of the old file is mapped here
    with read_session(url) as s:
        assert s.execute(sa.text("SELECT count(*) FROM catatan")).scalar_one() == 1


def test_a_shm_cut_short_refuses_before_sqlite_reads_past_its_end(tmp_path: Path) -> None:
    url, path = _database(tmp_path)
    shm = Path(f"{path}-shm")
    size = shm.stat().st_size
    os.truncate(shm, 0)
    trouble = _refusal(url, write=False).trouble
    assert "berkas.db-shm was truncated" in trouble.en and "terpotong" in trouble.id
    assert write_trouble(url) == trouble  # what /readyz reports
    os.truncate(shm, size)  # given its length back, the mapping is whole again (SQLite rebuilds it)
    assert write_trouble(url) is None
    get_engine(url).dispose()


def test_a_directory_where_the_wal_cannot_be_made_refuses_the_write_saying_so(tmp_path: Path) -> None:
    url, path = _database(tmp_path)
    get_engine(url).dispose()  # the last connection removes the -wal and -shm
    assert not Path(f"{path}-wal").exists()
    # root writes any directory whatever its mode; an immutable one it may not write either.
    root = os.geteuid() == 0
    if root:
        subprocess.run(["chattr", "+i", str(tmp_path)], check=True)
    else:
        tmp_path.chmod(0o555)
    try:
        trouble = _refusal(url, write=True).trouble
    finally:
        if root:
            subprocess.run(["chattr", "-i", str(tmp_path)], check=True)
        else:
            tmp_path.chmod(0o755)
    assert f"the directory {tmp_path} is not writable" in trouble.en
    get_engine(url).dispose()
