"""The embedded data directory is its owner's alone: the directory 0700 and every file in it
0600, whatever the umask (DESIGN.md section 7)."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_data_dir(data_dir: Path) -> Path:
    """Creates the directory if needed and makes it, and every file already in it, private:
    a store written by an older version or under a loose umask is tightened too."""
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, PRIVATE_DIR_MODE)
    for path in data_dir.iterdir():
        if path.is_file() and not path.is_symlink():
            os.chmod(path, PRIVATE_FILE_MODE)
    return data_dir


def private_database_file(path: Path) -> Path:
    """An SQLite file created 0600 before SQLite opens it: SQLite gives its -wal, -shm and
    -journal files the mode of the database file, so they are private too."""
    private_data_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    os.close(descriptor)
    os.chmod(path, PRIVATE_FILE_MODE)
    return path
