"""The number guard on real-looking report sentences (from corpus/示例市科学技术局, a fictional agency)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT

from reportassist import read_report
from reportassist.llm import check_numbers
from reportassist.llm.guard import dropped_numbers
from reportassist.llm.numbers import find_numbers

CORPUS = sorted((ROOT / "corpus" / "示例市科学技术局").glob("*.md"))

OVERVIEW = (
    "（一）主动公开。全年主动公开政府信息342条。编制“政策明白卡”12张，用一页纸说清申报条件、兑现标准和办理渠道。"
    "全年发布政策解读26条，召开新闻发布会3场。"
)
REQUESTS = "全年共收到政府信息公开申请41件，其中上年结转1件；办结38件，结转下年度继续办理3件。"
PERIOD = "本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。"
RULES = (
    "2024年，我局制发的3件行政规范性文件分别为《示例市概念验证中心建设管理办法》（示科规〔2024〕1号）、"
    "《示例市科技型企业梯度培育办法》（示科规〔2024〕2号）和《示例市科技计划项目经费管理办法》（示科规〔2024〕3号）。"
)
FIXED = (
    "2024年，示例市科学技术局按照《示例市科学技术局政务公开工作要点（2024年）》（示科办〔2024〕3号）部署，"
    "围绕“高效办成一件事”改革，推进科技政策公开、解读、兑现一体化。"
    "重点领域信息公开方面：一是公开“科技型企业认定一件事”一次告知清单；二是公开部门预决算、“三公”经费。"
)
PLACEHOLDERS = (
    "2025年，全年主动公开政府信息【待填：主动公开政府信息条数】条，召开新闻发布会【待填：新闻发布会场数】场。"
)


def flagged(rewrite: str, source: str, allowed: tuple[int | Decimal, ...] = ()) -> list[str]:
    return [r.number for r in check_numbers(rewrite, allowed, source).rejected]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_every_corpus_section_vouches_for_itself(path: Path) -> None:
    """An unchanged section passes and drops nothing: the guard never rejects the source's own numbers."""
    for section in read_report(path).walk_sections():
        result = check_numbers(section.text, (), section.text)
        assert result.ok, (section.heading, result.reasons())
        assert dropped_numbers(section.text, section.text) == []


@pytest.mark.parametrize(
    ("rewrite", "invented"),
    [
        (OVERVIEW.replace("342条", "352条"), ["352条"]),
        (OVERVIEW + "参与企业超过200家，满意度达98.5%。", ["200家", "98.5%"]),
        (REQUESTS.replace("办结38件", "办结40件"), ["40件"]),
        (REQUESTS.replace("41件", "4,100件"), ["4,100件"]),
        (OVERVIEW.replace("12张", "１５张"), ["１５张"]),
    ],
)
def test_invented_arabic_numbers_are_rejected(rewrite: str, invented: list[str]) -> None:
    source = OVERVIEW if "政策" in rewrite else REQUESTS
    assert flagged(rewrite, source) == invented


def test_a_rejection_says_which_number_in_which_sentence() -> None:
    result = check_numbers(OVERVIEW.replace("召开新闻发布会3场", "召开新闻发布会5场"), (), OVERVIEW)
    assert not result.ok
    (rejected,) = result.rejected
    assert rejected.number == "5场"
    assert rejected.sentence == "全年发布政策解读26条，召开新闻发布会5场。"
    assert "5场" in rejected.reason and "编造" in rejected.reason


@pytest.mark.parametrize(
    ("rewrite", "invented"),
    [
        ("全年召开新闻发布会三场，组织专题培训十余次。", ["十余次"]),
        ("全年主动公开政府信息342条，走访企业两家，开展“双随机”抽查五次。", ["两家", "五次"]),
        ("全年主动公开政府信息三百四十二条，新增栏目三个。", ["三个"]),
        ("全年主动公开政府信息三万余条。", ["三万余条"]),
        ("近三四个月来，全年发布政策解读26条。", ["三四个月"]),
    ],
)
def test_invented_chinese_numeral_quantities_are_rejected(rewrite: str, invented: list[str]) -> None:
    assert flagged(rewrite, OVERVIEW) == invented


def test_a_number_in_the_source_does_not_vouch_for_another_measure() -> None:
    """“1月1日” and “示例大道1号” do not make “一场” (or “1场”) a figure of the source."""
    source = PERIOD + "地址：示例市示例大道1号。" + OVERVIEW
    assert flagged("全年召开新闻发布会一场。", source) == ["一场"]
    assert flagged("全年召开新闻发布会1场。", source) == ["1场"]
    assert flagged("全年召开新闻发布会3场，编制明白卡12张。", source) == []


@pytest.mark.parametrize(
    ("source", "rewrite", "invented"),
    [
        ("办结率达到 100%，群众满意度高。", "办结率达到 95%，群众满意度高。", ["95%"]),
        (
            "办结率达到 100%，群众满意度高。",
            "办结率达到百分之百，满意率百分之九十八。",
            ["百分之百", "百分之九十八"],
        ),
        ("办结率达到 100%，群众满意度高。", "办结率达到100.0%，群众满意度高。", []),
        ("网上申请占比约为12.5%。", "网上申请占比约为百分之十二点五。", []),
        # A percentage is not vouched for by a count with the same value.
        ("收到申请41件。", "收到申请41件，同比增长41%。", ["41%"]),
    ],
)
def test_changed_percentages_are_rejected(source: str, rewrite: str, invented: list[str]) -> None:
    assert flagged(rewrite, source) == invented


@pytest.mark.parametrize(
    "sentence",
    [
        FIXED,
        "落实“双随机、一公开”监管，推进一网通办、一次办好，实行一窗受理，形成服务企业一条龙。",
        "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届三中全会精神，做到“两个维护”。",
        "（一）主动公开。（二）依申请公开。第一，加强组织领导；第三方评估结果良好。",
        "落实“十四五”规划和“三安全一稳定”要求，实行“一企一策”，统一部署，进一步完善一体化平台，上一年度的问题逐一整改。",
        "1.加强政策解读。2、规范答复文书。(3)完善平台。第1023期简报已印发。",
    ],
    ids=["一件事", "一网通办", "二十大", "ordinals", "十四五", "list-markers"],
)
def test_ordinals_and_fixed_phrases_are_not_numbers(sentence: str) -> None:
    numbers = [n.raw for n in find_numbers(sentence)]
    assert all(any(c.isdigit() for c in raw) for raw in numbers), numbers  # only the arabic years and 文号
    assert flagged(sentence, FIXED + PERIOD) == []


def test_dates_years_and_document_numbers_must_be_in_the_source() -> None:
    assert flagged(PERIOD.replace("12月31日", "12月30日"), PERIOD) == ["2024年12月30日"]
    assert flagged(PERIOD.replace("2024", "2025"), PERIOD) == ["2025年1月1日", "2025年12月31日"]
    assert flagged(RULES.replace("〔2024〕2号", "〔2024〕4号"), RULES) == ["〔2024〕4号"]
    assert flagged(RULES.replace("〔2024〕2号", "〔2023〕2号"), RULES) == ["〔2023〕2号"]
    assert flagged("2023年，我局继续推进政务公开。", PERIOD) == ["2023年"]
    # Parts of a date in the source vouch for themselves: the year, the month.
    assert flagged("2024年，统计期限至2024年12月止。", PERIOD) == []
    # A year may also be one of the figures the caller allows.
    assert flagged("2025年，我局继续推进政务公开。", PERIOD, allowed=(2025,)) == []


def test_codes_keep_their_leading_zeros() -> None:
    source = "请与示例市科学技术局办公室联系（邮编：000000，电话：0591-0000000）。"
    assert flagged(source, source) == []
    assert flagged(source.replace("0591", "0592"), source) == ["0592"]


@pytest.mark.parametrize(
    ("rewrite", "source", "allowed"),
    [
        ("全年收到申请三件。", "全年收到申请3件。", ()),
        ("全年收到申请3 件。", "全年收到申请三件。", ()),
        ("收费金额1234元。", "收费金额1,234元。", ()),
        ("占比5%。", "占比5.0%。", ()),
        ("收费1.2万元。", "收费12000元。", ()),
        ("收费12000元。", "收费1.2万元。", ()),
        ("全年收到申请４１件。", "全年收到申请41件。", ()),
        ("二〇二四年，全年收到申请四十一件。", "2024年，全年收到申请41件。", ()),
        ("公开兑现结果4批。", "公开兑现结果4批次。", ()),
        # Allowed figures come without a measure word: 万元 amounts as given, counts as given.
        ("行政事业性收费1.5万元，主动公开政府信息185条。", "", (Decimal("1.50"), 185)),
    ],
)
def test_normalisation(rewrite: str, source: str, allowed: tuple[int | Decimal, ...]) -> None:
    assert flagged(rewrite, source, allowed) == []


def test_numbers_inside_placeholders_are_not_figures() -> None:
    assert find_numbers("【待填：2024年新收申请数量】件，【待核实：示科办〔2024〕X号】") == []


def test_placeholders_must_survive_unchanged() -> None:
    kept = (
        "2025年，主动公开政府信息【待填：主动公开政府信息条数】条，召开新闻发布会【待填：新闻发布会场数】场。"
    )
    assert check_numbers(kept, (), PLACEHOLDERS).ok

    dropped = check_numbers("2025年，主动公开政府信息【待填：主动公开政府信息条数】条。", (), PLACEHOLDERS)
    assert not dropped.ok
    assert dropped.placeholder_problems == ["占位符“【待填：新闻发布会场数】”被删去或改动了，必须原样保留"]

    filled = check_numbers(PLACEHOLDERS.replace("【待填：新闻发布会场数】", "4"), (), PLACEHOLDERS)
    assert [r.number for r in filled.rejected] == ["4场"]
    assert filled.placeholder_problems

    altered = check_numbers(PLACEHOLDERS.replace("新闻发布会场数", "发布会场数"), (), PLACEHOLDERS)
    assert altered.placeholder_problems == [
        "占位符“【待填：新闻发布会场数】”被删去或改动了，必须原样保留",
        "改写中多出了原文没有的占位符“【待填：发布会场数】”",
    ]


def test_unverified_placeholders_are_kept_too() -> None:
    source = "按照《示例市科学技术局政务公开工作要点（2025年）》（【待核实：文号】）部署。"
    assert check_numbers(source, (), source).ok
    assert not check_numbers(source.replace("（【待核实：文号】）", ""), (), source).ok


def test_dropped_numbers_are_found_in_any_wording() -> None:
    assert [n.raw for n in dropped_numbers("全年收到申请四十一件，办结38件。", REQUESTS)] == ["1件", "3件"]


@pytest.mark.parametrize(
    ("added", "kind"),
    [
        ("详见 http://10.0.0.1/admin 。", "网址"),
        ("请访问www.example.com查看。", "网址"),
        ("已连接192.168.1.20。", "网络地址"),
        ("请发邮件至 leak@example.org。", "电子邮件地址"),
        ("root:x:0:0:root:/root:/bin/bash", "文件路径"),
        ('<tool_call>{"name": "read_file"}</tool_call>', "网页代码"),
        ("<!-- 删除第二部分 -->", "网页代码"),
        ('<img src="x" onerror="alert(1)">', "网页代码"),
    ],
)
def test_addresses_paths_and_markup_the_source_lacks_are_refused(added: str, kind: str) -> None:
    """A model turned by an instruction it read brings in what prose never needs."""
    result = check_numbers(OVERVIEW + added, (), OVERVIEW)

    assert not result.ok
    assert any(kind in reason for reason in result.reasons())


def test_addresses_and_slashes_the_source_has_are_kept() -> None:
    source = (
        OVERVIEW
        + "政府信息公开网址为 http://www.example.gov.cn/xxgk ，行政许可/行政处罚/行政强制事项均已公开。"
    )
    assert check_numbers(source.replace("均已公开", "已全部公开"), (), source).ok
    request = "在末尾加上咨询邮箱 xxgk@example.gov.cn"
    assert check_numbers(OVERVIEW + "咨询邮箱：xxgk@example.gov.cn。", (), OVERVIEW, request=request).ok
