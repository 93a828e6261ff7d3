"""The whitespace rule every reader applies to the text it extracts."""

from __future__ import annotations

import re

__all__ = ["tidy_text"]

_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_WRAPPED_CJK = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")


def tidy_text(text: str) -> str:
    """Collapse whitespace to single spaces; drop line breaks between two CJK characters.

    A line break between two Chinese characters is a wrapping artefact of the page or the cell,
    not a space.
    """
    text = text.replace("\xa0", " ").replace("\u3000", " ").replace("\u200b", "").replace("\ufeff", "")
    text = _WRAPPED_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()
