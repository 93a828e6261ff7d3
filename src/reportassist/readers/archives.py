"""Zip-based inputs (.docx, .xlsx) are checked before anything is decompressed.

A zip bomb declares its sizes honestly or not at all usefully: Python's `zipfile`, which both
python-docx and openpyxl read through, never yields more than a member's declared size, so
checking the declared sizes in the central directory bounds what opening the file can cost.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from reportassist.errors import InputError
from reportassist.settings import get_settings

__all__ = ["check_archive"]

_RATIO_FROM_BYTES = 1_000_000  # members smaller than this are not held to the compression-ratio limit


def check_archive(data: bytes, path: Path, kind: str) -> None:
    """Raise `InputError` when the archive would decompress to more than the settings allow.

    `kind` names the format for the message, e.g. "Word" or "Excel"; a file that is no zip at
    all is left to the format's reader, which says so in its own words.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    settings = get_settings()
    total = sum(member.file_size for member in members)
    if total > settings.archive_max_mb * 1_000_000:
        raise InputError(
            f"{kind} 文件解压后共 {total / 1_000_000:.0f} MB，超过上限 {settings.archive_max_mb:g} MB，"
            "可能是恶意构造的压缩文件（“压缩炸弹”），未读取（上限可用环境变量 REPORTASSIST_ARCHIVE_MAX_MB 调整）。",
            path=path,
        )
    for member in members:
        if member.file_size < _RATIO_FROM_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > settings.archive_max_ratio:
            raise InputError(
                f"{kind} 文件中的“{member.filename}”压缩比为 {ratio:.0f} 倍，超过上限 "
                f"{settings.archive_max_ratio:g} 倍，可能是恶意构造的压缩文件（“压缩炸弹”），未读取"
                "（上限可用环境变量 REPORTASSIST_ARCHIVE_MAX_RATIO 调整）。",
                path=path,
            )
