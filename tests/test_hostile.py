"""Hostile files (issue 14, item 2): each is refused with a Chinese message naming the file, or read
harmlessly, in bounded time; nothing outside the file is ever read. Every file is made here, in tmp_path."""

from __future__ import annotations

import os
import random
import re
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import SEEDS

from reportassist.corpus import open_store
from reportassist.corpus.paths import expand_paths
from reportassist.errors import InputError
from reportassist.given_figures import load_figures
from reportassist.parsing import parse_document
from reportassist.readers import read_document

SECRET = "机密内容-4f1c9e"


@contextmanager
def _within(seconds: float) -> Iterator[None]:
    start = time.monotonic()
    yield
    assert time.monotonic() - start < seconds


def _docx(path: Path) -> Path:
    word = docx.Document()
    word.add_paragraph("示例市科学技术局")
    word.save(path)
    return path


def _xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active["A1"] = "示例"
    book.save(path)
    return path


def _rewrite(source: Path, target: Path, member: str, change: Callable[[str], str]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = old.read(entry)
            new.writestr(
                entry, change(data.decode("utf-8")).encode("utf-8") if entry.filename == member else data
            )
    return target


def _add_members(source: Path, target: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            new.writestr(entry, old.read(entry))
        for name, data in members.items():
            new.writestr(name, data)
    return target


# ---------------------------------------------------------------- zip bombs

ZEROS = bytes(990_000)  # under 1 MB each: only the total limit catches 210 of them (208 MB)
BOMBS = {
    "ratio": {"word/media/image1.png": bytes(3_000_000)},  # one 3 MB member compressed about 1000 times
    "total": {f"customXml/bomb{i}.xml": ZEROS for i in range(210)},
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_docx_zip_bomb_is_refused_before_decompressing(bomb: str, tmp_path: Path) -> None:
    path = _add_members(_docx(tmp_path / "base.docx"), tmp_path / "压缩炸弹.docx", BOMBS[bomb])
    with _within(3), pytest.raises(InputError, match="压缩炸弹") as caught:
        read_document(path)
    assert "压缩炸弹.docx" in str(caught.value) and "Word" in str(caught.value)


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_xlsx_zip_bomb_is_refused_before_decompressing(bomb: str, tmp_path: Path) -> None:
    path = _add_members(_xlsx(tmp_path / "base.xlsx"), tmp_path / "压缩炸弹.xlsx", BOMBS[bomb])
    with _within(3), pytest.raises(InputError, match="压缩炸弹") as caught:
        load_figures(path)
    assert "压缩炸弹.xlsx" in str(caught.value) and "Excel" in str(caught.value)


def test_ordinary_docx_with_a_picture_passes_the_archive_check(tmp_path: Path) -> None:
    noise = os.urandom(2_000_000)  # incompressible, like a photograph
    path = _add_members(_docx(tmp_path / "base.docx"), tmp_path / "带图片.docx", {"word/media/p.jpg": noise})
    assert read_document(path).paragraphs[0].text == "示例市科学技术局"


# ---------------------------------------------------------------- XML entities


def _external(root: str, secret: Path) -> str:
    return f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'


def _laughs(root: str) -> str:
    entities = ['<!ENTITY l0 "哈哈哈哈哈哈哈哈哈哈">']
    entities += [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    return f"<!DOCTYPE {root} [{''.join(entities)}]>"


ENTITY_CASES = {"external": ("&xxe;", _external), "laughs": ("&l9;", lambda root, _: _laughs(root))}


def _harmless(read: Callable[[], object], secret: Path) -> None:
    """Reading ends quickly in an InputError or a result that holds nothing of the secret file."""
    with _within(3):
        try:
            result = read()
        except InputError as exc:
            result = str(exc)
    assert SECRET not in repr(result)
    assert len(repr(result)) < 1_000_000  # a billion laughs never expanded


@pytest.mark.parametrize("case", sorted(ENTITY_CASES))
def test_docx_entities_are_not_expanded(case: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    reference, doctype = ENTITY_CASES[case]

    def inject(xml: str) -> str:
        declaration, rest = xml.split("?>", 1)
        return f"{declaration}?>{doctype('w:document', secret)}{rest.replace('示例市科学技术局', reference)}"

    path = _rewrite(_docx(tmp_path / "base.docx"), tmp_path / "实体.docx", "word/document.xml", inject)
    _harmless(lambda: read_document(path), secret)


@pytest.mark.parametrize("case", sorted(ENTITY_CASES))
def test_xlsx_entities_are_not_expanded(case: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    reference, doctype = ENTITY_CASES[case]

    def inject(xml: str) -> str:
        marker = "<t>&#31034;&#20363;</t>"  # 示例, as openpyxl writes it
        assert marker in xml
        return doctype("worksheet", secret) + xml.replace(marker, f"<t>{reference}</t>")

    path = _rewrite(_xlsx(tmp_path / "base.xlsx"), tmp_path / "实体.xlsx", "xl/worksheets/sheet1.xml", inject)
    _harmless(lambda: load_figures(path), secret)


@pytest.mark.parametrize("case", sorted(ENTITY_CASES))
def test_html_entities_are_not_expanded(case: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    reference, doctype = ENTITY_CASES[case]
    path = tmp_path / "实体.html"
    path.write_text(
        f"{doctype('html', secret)}<html><body><p>甲{reference}乙</p></body></html>", encoding="utf-8"
    )
    _harmless(lambda: read_document(path), secret)


# ---------------------------------------------------------------- deep nesting, long lines


def test_deeply_nested_html_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "嵌套.html"
    path.write_text(
        "<html><body>" + "<div>" * 100_000 + "一、总体情况" + "</div>" * 100_000, encoding="utf-8"
    )
    with _within(5), pytest.raises(InputError, match="嵌套超过") as caught:
        read_document(path)
    assert "嵌套.html" in str(caught.value)


def test_moderately_nested_html_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "表中表.html"
    cells = "<table><tr><td>甲</td><td>" * 80  # 240 levels, as deep as the limit allows
    path.write_text(f"<html><body>{cells}乙</body></html>", encoding="utf-8")
    assert read_document(path).tables


def test_50_mb_one_line_text_is_refused_by_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "超大.txt"
    with path.open("wb") as out:
        out.truncate(50_000_000)  # sparse: costs no disk and no time
    with _within(2), pytest.raises(InputError, match="文件过大.*MAX_INPUT_MB") as caught:
        read_document(path)
    assert "超大.txt" in str(caught.value)


@pytest.mark.parametrize("piece", ["示例文字，", "[", "<http://", "|a"])
def test_15_mb_one_line_text_is_refused_by_the_line_limit(piece: str, tmp_path: Path) -> None:
    path = tmp_path / "一行.md"
    path.write_text(piece * (15_000_000 // len(piece.encode())), encoding="utf-8")
    with _within(10), pytest.raises(InputError, match="MAX_LINE_CHARS") as caught:
        read_document(path)
    assert "一行.md" in str(caught.value)


@pytest.mark.parametrize("piece", ["12件，", "[", "<http://", "[a](", "|a", "**"])
def test_longest_allowed_line_is_read_and_parsed_quickly(piece: str, tmp_path: Path) -> None:
    path = tmp_path / "长行.md"
    path.write_text(piece * (99_000 // len(piece)), encoding="utf-8")
    with _within(5):
        parse_document(read_document(path))


@pytest.mark.parametrize("digits", [20, 30, 60])
def test_run_together_rows_of_many_digits_are_left_open_quickly(digits: int, tmp_path: Path) -> None:
    """Every row of a run-together 表二 and 表三 replaced by `digits` random digits: billions of ways to cut
    them; the rows are left open with a note, and the report is read in bounded time."""
    from builders import consistent_figures, run_together

    rng = random.Random(digits)
    text = re.sub(
        r"(?<=[\u4e00-\u9fff）])\d+",
        lambda _: "".join(rng.choice("0123456789") for _ in range(digits)),
        run_together("gb2021", consistent_figures("gb2021", 1)),
    )
    path = tmp_path / "粘连.txt"
    path.write_text(text, encoding="utf-8")

    with _within(5):
        report = parse_document(read_document(path))

    assert all(report.figures.get(f"t3.{row}.total") is None for row in ("new", "handled", "carried_out"))
    assert len(report.notes) >= 10


# ---------------------------------------------------------------- lying suffixes


def _pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    return path


def test_pdf_named_docx_is_refused_as_a_damaged_pdf(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "其实是PDF.docx")
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert "其实是PDF.docx" in str(caught.value) and "PDF" in str(caught.value)


def test_xlsx_named_csv_is_read_as_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "其实是表格.csv"
    path.write_bytes(_xlsx(tmp_path / "base.xlsx").read_bytes())
    figures = load_figures(path)  # the content decides: no figures in it, but no garbage either
    assert not figures.understood


def test_docx_named_xlsx_and_pdf_named_csv_name_the_file(tmp_path: Path) -> None:
    word = tmp_path / "其实是Word.xlsx"
    word.write_bytes(_docx(tmp_path / "base.docx").read_bytes())
    pdf = _pdf(tmp_path / "其实是PDF.csv")
    for path, words in ((word, "但这是 Word 文件"), (pdf, "但这是 PDF 文件")):
        with pytest.raises(InputError, match=words) as caught:
            load_figures(path)
        assert path.name in str(caught.value)


def test_zip_named_txt_is_not_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "其实是压缩包.txt"
    path.write_bytes(_xlsx(tmp_path / "base.xlsx").read_bytes())
    with pytest.raises(InputError, match="无法识别为文本") as caught:
        read_document(path)
    assert path.name in str(caught.value)


# ---------------------------------------------------------------- folders


def _hostile_folder(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "报告"
    folder.mkdir()
    report = folder / "2018.txt"
    report.write_bytes((SEEDS / "panzhihua-kjj-2018.txt").read_bytes())
    outside = tmp_path / "外部.txt"
    outside.write_text(SECRET, encoding="utf-8")
    (folder / "外链.txt").symlink_to(outside)
    (folder / "文件夹链接").symlink_to(tmp_path)  # also a loop: it holds 报告 itself
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "管道.txt")
    return folder, report


def test_folder_links_and_special_files_are_skipped_with_a_note(tmp_path: Path) -> None:
    folder, report = _hostile_folder(tmp_path)
    skipped: list[tuple[Path, str]] = []
    with _within(2):
        files = expand_paths([folder], skipped)
    assert files == [report]
    notes = dict(skipped)
    assert set(notes) == {folder / name for name in ("外链.txt", "文件夹链接", "loop.txt", "管道.txt")}
    assert "链接" in notes[folder / "外链.txt"] and "特殊文件" in notes[folder / "管道.txt"]


def test_ingesting_a_hostile_folder_reads_only_the_report(tmp_path: Path) -> None:
    folder, report = _hostile_folder(tmp_path)
    with open_store(tmp_path / "store", None, "hashing") as store:
        result = store.ingest([folder])
    assert result.added == [report] and not result.failed
    assert len(result.skipped) == 4
    assert SECRET not in "".join(
        p.read_text("utf-8", errors="ignore") for p in (tmp_path / "store").rglob("*.json")
    )


def test_fifo_given_directly_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "管道.txt"
    os.mkfifo(fifo)
    with _within(2), pytest.raises(InputError, match="特殊文件") as caught:
        read_document(fifo)
    assert "管道.txt" in str(caught.value)


# ---------------------------------------------------------------- PDFs that would take forever


def _pdf_of_pages(pages: int) -> bytes:
    """A valid PDF of `pages` empty pages, written by hand (one page object shared by the page tree)."""
    kids = " ".join("3 0 R" for _ in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_of_thousands_of_pages_is_refused_before_any_is_laid_out(tmp_path: Path) -> None:
    path = tmp_path / "五千页.pdf"
    path.write_bytes(_pdf_of_pages(5000))
    with _within(3), pytest.raises(InputError, match="5000 页.*PDF_MAX_PAGES") as caught:
        read_document(path)
    assert "五千页.pdf" in str(caught.value)


def test_pdf_stream_that_inflates_to_hundreds_of_megabytes_is_refused_while_inflating(tmp_path: Path) -> None:
    bomb = zlib.compress(b"\0" * 300_000_000, 9)  # 300 MB of zeros in about 300 KB
    data = _pdf_of_pages(1).replace(
        b"%%EOF",
        b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb)
        + bomb
        + b"\nendstream\nendobj\n%%EOF",
    )
    path = tmp_path / "炸弹.pdf"
    path.write_bytes(data)
    with _within(5), pytest.raises(InputError, match="压缩炸弹") as caught:
        read_document(path)
    assert "炸弹.pdf" in str(caught.value)


def test_an_ordinary_pdf_passes_the_limits(tmp_path: Path) -> None:
    from builders import consistent_figures, render

    path = tmp_path / "报告.pdf"
    path.write_bytes(render("gb2021-pdf", consistent_figures("gb2021", 1)))
    assert read_document(path).tables


# ---------------------------------------------------------------- file names in an upload


HOSTILE_NAMES = [
    "../../etc/passwd.md",
    "..",
    "a\x07b\x1b[31m.md",
    "长" * 300 + ".md",
    "\u202etxt.md",
    "C:\\x\\y.md",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_upload_name_is_kept_inside_the_store_under_a_safe_name(name: str, tmp_path: Path) -> None:
    """The name an upload says it has ("../../etc/passwd", control characters, 300 characters) is only a
    label: the file is kept in the store's uploads folder under a short name with no folder part."""
    from reportassist.app.library import Library
    from reportassist.settings import Settings

    upload = tmp_path / "upload.bin"
    upload.write_bytes((SEEDS / "quanzhou-kjj-2018.txt").read_bytes())
    store = tmp_path / "store"
    library = Library(Settings(store=store, embedding="hashing"))

    result = library.ingest([(upload, name)])

    assert not result.failed
    (kept,) = [p for p in (store / "uploads").rglob("*") if p.is_file()]
    assert kept.parent.parent == store / "uploads"
    assert len(kept.name.encode()) <= 255 and kept.name.isprintable() and not kept.name.startswith(".")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store", "upload.bin"]
