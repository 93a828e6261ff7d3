"""The two real 2018 reports the project began from (legacy format, converted from PDF)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS

from reportassist import read_report, validate

PANZHIHUA = SEEDS / "panzhihua-kjj-2018.txt"
QUANZHOU = SEEDS / "quanzhou-kjj-2018.txt"


def test_both_seeds_are_legacy_2018() -> None:
    for path, agency in ((PANZHIHUA, "攀枝花市科学技术局"), (QUANZHOU, "泉州市科技局")):
        meta = read_report(path).meta
        assert (meta.year, meta.format, meta.agency) == (2018, "legacy", agency)
    assert read_report(PANZHIHUA).meta.published.isoformat() == "2019-02-22"
    assert read_report(QUANZHOU).meta.doc_number == "泉科函〔2019〕1号"


def test_page_break_inside_a_sentence_is_joined() -> None:
    report = read_report(PANZHIHUA)
    overview = report.find_section("overview")
    assert overview is not None
    assert "（攀办发〔2018〕94号)要求" in overview.text
    assert "---" not in report.body()[0]


def test_quanzhou_appendix_figures() -> None:
    figures = read_report(QUANZHOU).figures
    assert figures["legacy.active.total"] == 163
    assert figures["legacy.active.total@cumulative"] == 1482
    assert figures["legacy.active.website"] == 163
    assert figures["legacy.replies.total"] == 0
    assert figures["legacy.suits@cumulative"] == 0
    assert len(figures) == 30


def test_prose_figures_with_qualifiers() -> None:
    figures = read_report(PANZHIHUA).prose_figures
    about_400 = next(f for f in figures if f.value == 400)
    assert (about_400.unit, about_400.qualifier, about_400.label) == ("条", "余", "发布政府信息")
    assert {f.value for f in figures} >= {278, 26, 6, 40, 100, 150}
    assert not any(f.value == 1023 for f in read_report(QUANZHOU).prose_figures), "第1023期 is an ordinal"


@pytest.mark.parametrize(
    "path, total, parts",
    [(QUANZHOU, 163, [10, 3, 1, 3, 2, 63, 2, 67, 12]), (PANZHIHUA, 6, [3, 1, 1, 1])],
)
def test_breakdowns_add_up(path: Path, total: int, parts: list[int]) -> None:
    report = read_report(path)
    found = [b for b in report.breakdowns if report.prose_figures[b.total].value == total]
    assert found and all([report.prose_figures[i].value for i in b.parts] == parts for b in found)
    assert not [f for f in validate(report).findings if f.rule == "text.breakdown_sum"]


@pytest.mark.parametrize(
    "path, sentence, parts",
    [
        (QUANZHOU, "其中，机构设置与职能类信息10条；法规规章和规范类信息3条；科技规划计划类1条；年度科技统计数据类信息3条；财务预决算类信息2条；科技项目类信息63条，内容涉及各类科技计划项目的批准和实施情况；行政权力和公共服务事项类信息2条；科技工作动态类信息67条，其他应主动公开的政府信息12条",
         ["10条", "3条", "1条", "3条", "2条", "63条", "2条", "67条", "12条"]),
        (PANZHIHUA, "行政处罚3项、行政强制1项、行政确认1项、行政裁决1项", ["3项", "1项", "1项", "1项"]),
    ],
)  # fmt: skip
def test_changing_any_part_breaks_the_breakdown(
    tmp_path: Path, path: Path, sentence: str, parts: list[str]
) -> None:
    text = path.read_text(encoding="utf-8")
    assert sentence in text
    offset = 0
    for index, part in enumerate(parts):
        at = sentence.index(part, offset)
        offset = at + len(part)
        number = int(part[:-1])
        for changed_number in {number + 1, number + 7, max(number - 1, 0)} - {number}:
            changed = sentence[:at] + f"{changed_number}{part[-1]}" + sentence[at + len(part) :]
            target = tmp_path / f"{path.stem}-{index}-{changed_number}.txt"
            target.write_text(text.replace(sentence, changed), encoding="utf-8")
            findings = [f for f in validate(read_report(target)).errors if f.rule == "text.breakdown_sum"]
            assert findings, (part, changed_number)
            assert "相差" in findings[0].message


def test_quanzhou_lacks_the_fees_part() -> None:
    # The 2008 条例 asks for 收费及减免情况; this real report has no such part, and the validator says so.
    result = validate(read_report(QUANZHOU))
    assert [(f.rule, f.location.section) for f in result.errors] == [
        ("structure.missing_section", "政府信息公开的收费及减免情况")
    ]
    assert validate(read_report(PANZHIHUA)).ok
