"""What every reader returns: the document's text blocks and tables, in reading order.

Readers know file formats, nothing about annual reports; turning blocks into a `Report`
is the parser's job (`reportassist.parsing`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

__all__ = ["Block", "Document", "Paragraph", "Reader", "Table"]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or line) of running text.

    `heading` is True when the source marked the paragraph as a heading (Markdown `#`, a Word
    heading style, an HTML `<h1>`…`<h6>`, a line that is bold as a whole). Numbering such as
    "一、" is left to the parser, which trusts it more than the markup.
    """

    text: str
    heading: bool = False


@dataclass(frozen=True)
class Table:
    """A table as a grid of cell texts.

    A cell covered by a merged cell (colspan, rowspan, Word's merged cells) is `None`, so that
    a merged label is seen once while every position of the grid is still there.
    """

    rows: list[list[str | None]]


Block = Paragraph | Table


@dataclass
class Document:
    """The blocks of one input file, as its reader found them."""

    path: Path
    kind: str  # "text", "markdown", "docx", "html", "pdf"
    blocks: list[Block] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


class Reader(Protocol):
    """One reader per input format: `kind` names it, `read` turns the file's bytes into blocks."""

    @property
    def kind(self) -> str: ...

    @property
    def suffixes(self) -> tuple[str, ...]: ...

    def sniff(self, data: bytes) -> bool:
        """True when the bytes look like this reader's format, whatever the file is called."""

    def read(self, path: Path, data: bytes) -> Document: ...
