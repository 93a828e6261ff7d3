"""Bytes to text for the text-based formats: UTF-8 first, then the GB encodings staff files use."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from reportassist.errors import InputError

__all__ = ["decode_text"]

# Encodings a Chinese government text file comes in, tried in this order after UTF-8.
_FALLBACKS = ("gb18030", "big5")


def decode_text(data: bytes, path: Path) -> str:
    """Decode a text file, or raise `InputError` when the bytes are not text at all."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text: str | None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:  # a UTF-16 byte-order mark before bytes that are not UTF-16
            text = None
    else:
        text = _decode_guess(data)
    if text is None or not _looks_like_text(text):
        raise InputError(
            "无法识别为文本：内容既不是 UTF-8 也不是 GBK/GB18030 编码的文字，可能是二进制文件或已损坏。",
            path=path,
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_guess(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in _FALLBACKS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    return str(best) if best is not None else None


def _looks_like_text(text: str) -> bool:
    """Reject decodings of binary data: control characters and private-use code points."""
    if not text:
        return True
    sample = text[:20000]
    bad = sum(
        1
        for ch in sample
        if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd"
    )
    return bad / len(sample) < 0.01
