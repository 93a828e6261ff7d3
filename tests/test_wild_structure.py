"""Reports as they are really found: headings run into the text, other wordings, lost headings; the
agency and year written anywhere but the title. All texts are fictional (示例省/市/县…)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportassist import Report, read_report, validate
from reportassist.schema import PARTS, SECTIONS

OVERVIEW = "2023年，示例县教育局认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。"
ACTIVE = "2023年，我局通过门户网站主动公开政府信息120条，其中政策文件20条。"
REQUESTS = "2023年，我局收到政府信息公开申请3件，均已按期答复。"
REVIEW = "2023年，我局未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
PROBLEMS = "一是政策解读形式较单一；二是栏目更新不够及时。下一步，我局将丰富解读形式，加强栏目巡查。"
OTHER = "本年度未收取信息处理费。无其他需要报告的事项。"
TITLE = "示例县教育局2023年政府信息公开工作年度报告"

# Heading variants: the report's lines, and the parts whose content is really absent.
HEADINGS: dict[str, tuple[list[str], set[str]]] = {
    "run-in, no space": (
        [
            TITLE,
            f"一、总体情况{OVERVIEW}",
            f"二、主动公开政府信息情况{ACTIVE}",
            f"三、收到和处理政府信息公开申请情况{REQUESTS}",
            f"四、政府信息公开行政复议、行政诉讼情况{REVIEW}",
            f"五、存在的主要问题及改进情况{PROBLEMS}",
            f"六、其他需要报告的事项{OTHER}",
        ],
        set(),
    ),
    "run-in after a space": (
        [
            TITLE,
            f"一、总体情况 {OVERVIEW}",
            f"二、主动公开政府信息情况 {ACTIVE}",
            f"三、收到和处理政府信息公开申请情况 {REQUESTS}",
            f"四、政府信息公开行政复议、行政诉讼情况 {REVIEW}",
            f"五、存在的主要问题及改进情况 {PROBLEMS}",
            f"六、其他需要报告的事项 {OTHER}",
        ],
        set(),
    ),
    "other wordings": (
        [
            TITLE,
            "一、基本情况",
            OVERVIEW,
            "二、主动公开政府信息情况",
            ACTIVE,
            "三、依申请公开政府信息情况",
            REQUESTS,
            "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            REVIEW,
            "五、存在的主要问题和改进措施",
            PROBLEMS,
            "六、其他需要说明的事项",
            OTHER,
        ],
        set(),
    ),
    "概述, run-in wordings": (
        [
            TITLE,
            f"一、概述 {OVERVIEW}",
            f"二、主动公开政府信息情况{ACTIVE}",
            f"三、政府信息公开申请情况{REQUESTS}",
            f"四、因政府信息公开工作被申请行政复议、提起行政诉讼情况{REVIEW}",
            f"五、政府信息公开工作存在的主要问题和改进措施{PROBLEMS}",
            f"六、其他需要报告的事项{OTHER}",
        ],
        set(),
    ),
    "part under its sub-headings only": (
        [
            TITLE,
            "一、总体情况",
            OVERVIEW,
            "二、主动公开政府信息情况",
            ACTIVE,
            "三、收到和处理政府信息公开申请情况",
            REQUESTS,
            "四、政府信息公开行政复议、行政诉讼情况",
            REVIEW,
            "（一）主要问题",
            "一是政策解读形式较单一；二是栏目更新不够及时。",
            "（二）改进情况",
            "下一步，我局将丰富解读形式，加强栏目巡查。",
            "六、其他需要报告的事项",
            OTHER,
        ],
        set(),
    ),
    "heading lost, numbering skips it": (
        [
            TITLE,
            "一、总体情况",
            OVERVIEW,
            "二、主动公开政府信息情况",
            ACTIVE,
            REQUESTS,
            "四、政府信息公开行政复议、行政诉讼情况",
            REVIEW,
            "五、存在的主要问题及改进情况",
            PROBLEMS,
            "六、其他需要报告的事项",
            OTHER,
        ],
        set(),
    ),
    "overview heading lost, numbering starts at 二": (
        [
            TITLE,
            OVERVIEW,
            "二、主动公开政府信息情况",
            ACTIVE,
            "三、收到和处理政府信息公开申请情况",
            REQUESTS,
            "四、政府信息公开行政复议、行政诉讼情况",
            REVIEW,
            "五、存在的主要问题及改进情况",
            PROBLEMS,
            "六、其他需要报告的事项",
            OTHER,
        ],
        set(),
    ),
    "problems really absent, renumbered": (
        [
            TITLE,
            "一、总体情况",
            OVERVIEW,
            "二、主动公开政府信息情况",
            ACTIVE,
            "三、收到和处理政府信息公开申请情况",
            REQUESTS,
            "四、政府信息公开行政复议、行政诉讼情况",
            REVIEW,
            "五、其他需要报告的事项",
            OTHER,
        ],
        {"problems"},
    ),
    "requests really absent, number skipped": (
        [
            TITLE,
            "一、总体情况",
            OVERVIEW,
            "二、主动公开政府信息情况",
            ACTIVE,
            "四、政府信息公开行政复议、行政诉讼情况",
            REVIEW,
            "五、存在的主要问题及改进情况",
            PROBLEMS,
            "六、其他需要报告的事项",
            OTHER,
        ],
        {"requests"},
    ),
    "overview really absent": (
        [
            TITLE,
            "一、主动公开政府信息情况",
            ACTIVE,
            "二、收到和处理政府信息公开申请情况",
            REQUESTS,
            "三、政府信息公开行政复议、行政诉讼情况",
            REVIEW,
            "四、存在的主要问题及改进情况",
            PROBLEMS,
            "五、其他需要报告的事项",
            OTHER,
        ],
        {"overview"},
    ),
}

# Agency and year variants: the report's lines, the agency and the year it reports on.
BODY = [
    "一、总体情况",
    "{opening}",
    "二、主动公开政府信息情况",
    "{self}主动公开政府信息85条。本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
    "三、收到和处理政府信息公开申请情况",
    "{self}收到政府信息公开申请2件。",
    "四、政府信息公开行政复议、行政诉讼情况",
    "未发生行政复议、行政诉讼。",
    "五、存在的主要问题及改进情况",
    "2024年，{self}将加强培训。2024年，{self}将完善制度。",
    "六、其他需要报告的事项",
    "本年度未收取信息处理费。",
]
AGENCIES: dict[str, tuple[list[str], str, int]] = {
    "department in the title": (
        ["示例省交通运输厅2023年度政府信息公开工作年度报告", *BODY],
        "示例省交通运输厅",
        2023,
    ),
    "short form in the title, as written": (
        ["示例市科委2023年政府信息公开工作年度报告", *BODY],
        "示例市科委",
        2023,
    ),
    "government office in the title": (
        ["示例县人民政府办公室2023年政府信息公开工作年度报告", *BODY],
        "示例县人民政府办公室",
        2023,
    ),
    "文号 line": (["示例厅〔2024〕3号", "2023年政府信息公开工作年度报告", *BODY], "示例厅", 2023),
    "文号 line, full name in the text": (
        [
            "示例厅〔2024〕3号",
            "2023年政府信息公开工作年度报告",
            *BODY,
            "我厅通过示例省交通运输厅门户网站公开信息。",
        ],
        "示例省交通运输厅",
        2023,
    ),
    "signature before the date": (
        ["2023年政府信息公开工作年度报告", *BODY, "示例街道办事处", "2024年1月15日"],
        "示例街道办事处",
        2023,
    ),
    "signature of a committee": (
        ["政府信息公开工作年度报告", *BODY, "示例市科学技术委员会", "2024年1月20日"],
        "示例市科学技术委员会",
        2023,
    ),
    "opening sentence, short form expanded": (
        [
            "政府信息公开工作年度报告",
            *BODY,
            "2024年，市科委将继续通过示例市科学技术委员会门户网站公开信息。",
            "2024年2月1日",
        ],
        "示例市科学技术委员会",
        2023,
    ),
    "opening sentence of a town": (["政府信息公开工作年度报告", *BODY], "示例镇人民政府", 2023),
    "year from 年度 only": (
        [
            "示例乡人民政府政府信息公开工作报告",
            "现将示例乡人民政府2023年度政府信息公开工作情况报告如下。",
            "2024年，示例乡将加强培训。2024年，示例乡将完善制度。2024年，示例乡将优化栏目。",
            "示例乡人民政府",
            "2024年1月10日",
        ],
        "示例乡人民政府",
        2023,
    ),
}
NEUTRAL_OPENING = "2023年，本机关认真贯彻落实政府信息公开条例。"
OPENINGS = {
    "opening sentence, short form expanded": ("2023年，市科委认真贯彻落实政府信息公开条例。", "我委"),
    "opening sentence of a town": ("2023年，示例镇人民政府认真贯彻落实政府信息公开条例。", "我镇"),
    "文号 line": ("2023年，我厅认真贯彻落实政府信息公开条例。", "我厅"),
    "文号 line, full name in the text": ("2023年，我厅认真贯彻落实政府信息公开条例。", "我厅"),
}


def _read(tmp_path: Path, lines: list[str], opening: str = OVERVIEW, self_word: str = "我局") -> Report:
    path = tmp_path / "report.txt"
    text = "\n\n".join(lines).replace("{opening}", opening).replace("{self}", self_word)
    path.write_text(text + "\n", encoding="utf-8")
    return read_report(path)


def _missing(report: Report) -> set[str]:
    """The parts `structure.missing_section` says are missing."""
    named = {f.location.section for f in validate(report).findings if f.rule == "structure.missing_section"}
    return {canonical for canonical, name in SECTIONS.items() if name in named}


@pytest.mark.parametrize("variant", list(HEADINGS))
def test_headings_as_found(tmp_path: Path, variant: str) -> None:
    lines, absent = HEADINGS[variant]
    report = _read(tmp_path, lines)
    assert report.meta.format == "gb2021"
    assert _missing(report) == absent
    for canonical in set(PARTS) - absent:
        section = report.find_section(canonical)
        if section is not None and section.heading:  # a part whose heading is lost has no section
            assert section.heading.split("、")[-1] in "".join(lines)


def test_run_in_heading_is_cut_from_its_text(tmp_path: Path) -> None:
    report = _read(tmp_path, HEADINGS["run-in, no space"][0])
    active = report.find_section("active")
    assert active is not None and active.heading == "二、主动公开政府信息情况"
    assert active.text.startswith("2023年，我局通过门户网站")
    problems = report.find_section("problems")
    assert problems is not None and problems.heading == "五、存在的主要问题及改进情况"


def test_part_found_under_its_sub_heading(tmp_path: Path) -> None:
    report = _read(tmp_path, HEADINGS["part under its sub-headings only"][0])
    problems = report.find_section("problems")
    assert problems is not None and problems.heading == "（一）主要问题" and problems.level == 2


@pytest.mark.parametrize("variant", list(AGENCIES))
def test_agency_and_year_as_found(tmp_path: Path, variant: str) -> None:
    lines, agency, year = AGENCIES[variant]
    opening, self_word = OPENINGS.get(variant, (NEUTRAL_OPENING, "本机关"))
    meta = _read(tmp_path, lines, opening, self_word).meta
    assert (meta.agency, meta.year) == (agency, year)
