"""Writing files so that a failure never leaves half a file behind, and says why in Chinese when it fails."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reportassist.errors import InputError

__all__ = ["locked", "safe_name", "save_file", "write_atomic"]

# Longest file name kept, in characters (a file system allows 255 bytes: 85 Chinese characters in UTF-8).
_NAME_CHARS = 80


def save_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` for the user; an existing file is replaced only by a complete new one."""
    if not path.parent.is_dir():
        raise InputError("要保存到的文件夹不存在。", path=path)
    if path.is_dir():
        raise InputError("这是一个文件夹，请给出要保存的文件名。", path=path)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise InputError(f"无法保存：{exc.strerror or exc}。", path=path) from exc


def safe_name(name: str, fallback: str) -> str:
    """A name given from outside (an upload's) made fit to be one file's name in one folder: no folder
    part ("../../etc/passwd"), no control or format characters, no leading dot, not too long (its
    suffix kept); `fallback` (with the suffix) when nothing is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    stem, dot, suffix = base.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix = base, ""
    stem = stem[: _NAME_CHARS - len(suffix) - 1].strip() or fallback
    return f"{stem}.{suffix}" if suffix else stem


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that it is either wholly the old one or wholly the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(
            tmp, _mode_for(path)
        )  # mkstemp makes the file private (0600); give it a new file's usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The mode of the file being replaced, or what the umask gives a new file."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold `path` for one read-change-write at a time across processes (two `revise` runs on one draft).

    The lock is taken on the file itself. A writer replaces the file (`write_atomic`), so a process that
    waited on the old file checks, once it holds the lock, that the path is still that file, and otherwise
    takes the lock on the new one: no change is made from a stale copy.
    """
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no lock (one user per draft)
        yield
        return
    while True:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - held for the whole block
        except OSError as exc:
            raise InputError(f"无法读取：{exc.strerror or exc}。", path=path) from exc
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                if os.fstat(handle.fileno()).st_ino != os.stat(path).st_ino:
                    continue  # replaced while we waited: lock the file that is there now
            except FileNotFoundError:
                continue
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return
