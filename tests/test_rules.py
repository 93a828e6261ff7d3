"""Each validator rule on a small consistent fictional report (示例市科学技术局 2022/2023), changed one way at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportassist import Report, read_report, validate

FIXTURES = Path(__file__).parent / "fixtures"
THIS = (FIXTURES / "gb2021-2023.md").read_text(encoding="utf-8")
PRIOR = (FIXTURES / "gb2021-2022.md").read_text(encoding="utf-8")


def parse(tmp_path: Path, text: str, name: str = "report.md") -> Report:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_report(path)


def rules(tmp_path: Path, text: str, prior: str | None = PRIOR) -> dict[str, str]:
    """rule id -> severity of what the validator reports (the first message is kept for the asserts)."""
    prior_report = parse(tmp_path, prior, "prior.md") if prior else None
    result = validate(parse(tmp_path, text), prior_report)
    found: dict[str, str] = {}
    for finding in result.findings:
        found.setdefault(finding.rule, finding.severity)
    return found


def changed(old: str, new: str, text: str = THIS) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_fixtures_are_consistent(tmp_path: Path) -> None:
    assert rules(tmp_path, THIS) == {}
    assert rules(tmp_path, PRIOR, prior=None) == {}
    report = parse(tmp_path, THIS)
    assert report.meta.format == "gb2021" and report.meta.year == 2023
    assert report.figures["t3.new.total"] == 6 and report.figures["t2.licensing.decisions"] == 120


@pytest.mark.parametrize(
    "old, new, rule",
    [
        ("| 一、本年新收政府信息公开申请数量 | 5 | 1 |", "| 一、本年新收政府信息公开申请数量 | 6 | 1 |", "t3.row_total"),
        ("| （二）部分公开（区分处理的，只计这一情形，不计其他情形） | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
         "| （二）部分公开（区分处理的，只计这一情形，不计其他情形） | 2 | 0 | 0 | 0 | 0 | 0 | 2 |", "t3.handled_total"),
        ("| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |", "| 四、结转下年度继续办理 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |", "t3.balance"),
        ("| 1 | 0 | 0 | 1 | 2 | 0 |", "| 1 | 0 | 0 | 1 | 3 | 0 |", "t4.group_total"),
        ("| 行政许可 | 120 |", "| 行政许可 | -3 |", "t2.non_negative"),
        ("办结6件", "办结5件", "text.table_mismatch"),
        ("统计期限自2023年1月1日起至2023年12月31日止", "统计期限自2022年1月1日起至2022年12月31日止", "year.period"),
        ("## 五、存在的主要问题及改进情况", "## 五、其他", "structure.missing_section"),
        ("一是政策解读形式仍较单一", "一是政策解读形式仍较单一【待填：问题】", "placeholder.unfilled"),
    ],
)  # fmt: skip
def test_error_rules_fire(tmp_path: Path, old: str, new: str, rule: str) -> None:
    assert rules(tmp_path, changed(old, new)).get(rule) == "error"


@pytest.mark.parametrize(
    "old, new, rule",
    [
        ("2023年，示例市科学技术局认真贯彻落实", "2022年，示例市科学技术局认真贯彻落实", "year.stale"),
        ("2023年，本机关未收取信息处理费。", "无其他需要报告的事项。", "fees.statement"),
        (
            "持续推进政务公开。",
            "持续推进政务公开。" + "围绕重点领域深化公开，做好政策解读和回应关切。" * 70,
            "length.overview",
        ),
        ("现行有效行政规范性文件25件", "现行有效行政规范性文件25件", "figure.absent"),
    ],
)
def test_warning_rules_fire(tmp_path: Path, old: str, new: str, rule: str) -> None:
    text = changed(old, new)
    if rule == "figure.absent":
        text = changed("| 行政处罚 | 8 |", "| 行政处罚 | / |", text)
    found = rules(tmp_path, text)
    assert found.get(rule) == "warning"
    assert "error" not in found.values()


def test_blank_cell_is_named_once_with_the_checks_it_blocks(tmp_path: Path) -> None:
    text = changed("| 一、本年新收政府信息公开申请数量 | 5 |", "| 一、本年新收政府信息公开申请数量 | / |")
    result = validate(parse(tmp_path, text))
    absent = [f for f in result.findings if f.rule == "figure.absent"]
    assert len(absent) == 1 and absent[0].location.keys == ["t3.new.natural"]
    assert "“/”" in absent[0].message and "无法核对" in absent[0].message
    assert not [f for f in result.findings if f.rule in ("t3.row_total", "t3.balance")], "absent never fails"


def test_cross_year_rules(tmp_path: Path) -> None:
    # Last year's 结转下年度 was 1 (自然人); this year says 0 was carried in, and adjusts its own sums.
    text = changed("| 二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
                   "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |")  # fmt: skip
    text = changed(
        "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "| 四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        text,
    )
    text = changed("其中上年结转1件；办结6件，1件结转下年度继续办理", "办结6件", text).replace(
        "共收到政府信息公开申请7件", "共收到政府信息公开申请6件"
    )
    found = rules(tmp_path, text)
    assert found.get("cross_year.carried_in") == "error"
    assert [k for k in found if k != "cross_year.carried_in"] == []


def test_in_force_and_pending_against_last_year(tmp_path: Path) -> None:
    prior = changed("| 行政规范性文件 | 2 | 0 | 23 |", "| 行政规范性文件 | 2 | 0 | 21 |", PRIOR)
    prior = changed("现行有效行政规范性文件23件", "现行有效行政规范性文件21件", prior)
    prior = changed(
        "| 0 | 0 | 0 | 1 | 1 | 0 |", "| 0 | 0 | 0 | 3 | 3 | 0 |", prior
    )  # 3 cases pending last year
    found = rules(tmp_path, THIS, prior)
    assert found.get("cross_year.in_force") == "warning"  # 21 + 3 - 1 = 23, not 25
    assert found.get("cross_year.pending") == "warning"  # 3 pending, but only 2 cases this year
    assert "error" not in found.values()


def test_prior_of_another_year(tmp_path: Path) -> None:
    assert rules(tmp_path, THIS, THIS).get("cross_year.prior_year") == "warning"


def test_repeated_problems_section(tmp_path: Path) -> None:
    last_year = "一是重点领域信息公开的深度不够，部分栏目更新不及时。二是工作人员业务能力有待提升。下一步，将开展栏目巡查并组织专题培训。"
    this_year = "一是政策解读形式仍较单一，图解、视频解读占比不高。二是依申请公开答复文书的说理还需加强。下一步，将建立政策解读专家库，每季度开展答复文书评查。"
    assert rules(tmp_path, changed(this_year, last_year)).get("text.repeated") == "warning"
    assert "text.repeated" not in rules(tmp_path, THIS)


def test_outdated_format(tmp_path: Path) -> None:
    text = changed(
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
    )
    text = text.replace("| 申请人无正当理由逾期不补正", "| 申请人无正当理由逾期").replace("缴纳费用", "缴费")
    report = parse(tmp_path, text)
    assert report.meta.format == "gb2019"
    found = {f.rule: f for f in validate(report).findings}
    assert found["format.outdated"].severity == "error"
    assert (
        "2021 年版" in found["format.outdated"].message
        and "本年新制作数量" in found["format.outdated"].message
    )


def test_findings_carry_a_location(tmp_path: Path) -> None:
    result = validate(parse(tmp_path, changed("办结6件", "办结5件")))
    (finding,) = [f for f in result.findings if f.rule == "text.table_mismatch"]
    assert finding.location.sentence and "办结5件" in finding.location.sentence
    assert finding.location.keys == ["t3.handled.total"]
    assert finding.location.section == "一、总体情况 / （一）主动公开"
    assert "6" in finding.message and "5件" in finding.message


def test_prose_against_a_blank_cell_is_not_checked_silently(tmp_path: Path) -> None:
    text = changed("| （七）总计 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |", "| （七）总计 | 5 | 1 | 0 | 0 | 0 | 0 | / |")
    result = validate(parse(tmp_path, text))
    messages = [f.message for f in result.findings if f.rule == "figure.absent"]
    assert any("正文“办结6件”" in m and "无法核对" in m for m in messages), messages
    assert result.ok
