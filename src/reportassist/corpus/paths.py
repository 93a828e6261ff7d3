"""Which files a folder given to `ingest` holds: report files, never links or special files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

__all__ = ["expand_paths"]


def expand_paths(paths: Iterable[Path], skipped: list[tuple[Path, str]] | None = None) -> list[Path]:
    """Files as given, and under folders every file a reader reads by its suffix (README files left out).

    Inside a folder, symbolic links (to files or folders, inside or outside it, or in a loop) and special
    files (pipes, devices, sockets) are never followed or opened: a link may lead out of the folder the
    user chose, a pipe would block the read. Those with a report's suffix, and every link to a folder,
    are noted in `skipped` with the reason. A path given directly is taken as given.
    """

    from reportassist.readers import readable_suffixes  # the readers' libraries: only when a folder is walked

    suffixes = readable_suffixes() - {""}
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found: list[Path] = []
        for folder, dirs, names in os.walk(path, followlinks=False):
            here = Path(folder)
            for name in dirs:
                if (here / name).is_symlink():
                    _note(skipped, here / name, "这是指向文件夹的链接（快捷方式），未进入。")
            for name in names:
                candidate = here / name
                if (
                    candidate.suffix.lower() not in suffixes
                    or name.startswith(".")
                    or name.lower() in ("readme.md", "readme.txt")
                ):
                    continue
                mode = candidate.lstat().st_mode
                if stat.S_ISLNK(mode):
                    _note(skipped, candidate, "这是链接（快捷方式），未读取；请直接给出它指向的文件。")
                elif not stat.S_ISREG(mode):
                    _note(skipped, candidate, "这不是普通文件（可能是管道、设备等特殊文件），未读取。")
                else:
                    found.append(candidate)
        files.extend(sorted(found))
    return files


def _note(skipped: list[tuple[Path, str]] | None, path: Path, reason: str) -> None:
    if skipped is not None:
        skipped.append((path, f"文件 {path}：{reason}"))
