"""The fictional 示例市科学技术局 corpus (corpus/示例市科学技术局/2018.md … 2024.md): seven consecutive
annual reports of one agency, every figure invented and consistent within each report and across years.

Each report must read back as what it is (agency, year, format, every table figure of its format) and
validate with its prior year's report without a single error or warning. The table keys come from
`builders.keys_of`, which is written from formats.md, not from the package's schema.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import pytest
from builders import T3_COLUMNS, keys_of
from conftest import ROOT

from reportassist import Report, read_report, validate

CORPUS = ROOT / "corpus" / "示例市科学技术局"
AGENCY = "示例市科学技术局"
FORMATS = {
    2018: "legacy",
    2019: "gb2019",
    2020: "gb2019",
    2021: "gb2021",
    2022: "gb2021",
    2023: "gb2021",
    2024: "gb2021",
}
YEARS = sorted(FORMATS)


@functools.cache
def _report(year: int) -> Report:
    return read_report(CORPUS / f"{year}.md")


def _prior(year: int) -> Report | None:
    return _report(year - 1) if year - 1 in FORMATS else None


def test_the_corpus_holds_exactly_the_seven_years_and_next_years_figures() -> None:
    assert sorted(p.name for p in CORPUS.iterdir()) == [
        *(f"{year}.md" for year in YEARS),
        "figures-2025.yaml",
    ]


@pytest.mark.parametrize("year", YEARS)
def test_report_reads_back_as_what_it_is(year: int) -> None:
    report = _report(year)
    fmt = FORMATS[year]
    assert (report.meta.agency, report.meta.year, report.meta.format) == (AGENCY, year, fmt)
    assert report.meta.published is not None and report.meta.published.year == year + 1
    unread = [k for k in keys_of(fmt) if report.figures.get(k) is None]
    assert unread == [], f"{year}: table figures not read: {unread}"
    assert report.notes == []


@pytest.mark.parametrize("year", YEARS)
def test_report_validates_with_its_prior_without_findings(year: int) -> None:
    result = validate(_report(year), _prior(year))
    findings = [f"{f.severity} {f.rule}: {f.message}" for f in result.findings]
    assert result.ok
    assert findings == []


def test_carried_in_equals_last_years_carried_out_in_every_column() -> None:
    columns = [col for col, _ in T3_COLUMNS]
    first = _report(2019).figures  # 2018 is legacy: no 表三 to carry from
    assert [first[f"t3.carried_in.{col}"] for col in columns] == [0] * len(columns)
    chain = [year for year in YEARS if FORMATS[year] != "legacy"]
    for prior, year in itertools.pairwise(chain):
        carried_out = [_report(prior).figures[f"t3.carried_out.{col}"] for col in columns]
        carried_in = [_report(year).figures[f"t3.carried_in.{col}"] for col in columns]
        assert carried_in == carried_out, f"{year} 上年结转 vs {prior} 结转下年度"
        assert sum(carried_in[:-1]) == carried_in[-1]
    # and the chain is not all zeros
    assert sum(_report(year).figures["t3.carried_in.total"] for year in chain[1:]) > 0


# Correct sentences, as staff write them, put into a corpus report: the validator accepts each
# (formats.md: a sentence agrees with the tables if it matches any reading its words allow).
_STAFF_WORDING = [
    (2024, "全年共收到政府信息公开申请41件，其中上年结转1件；办结38件",
     "全年共收到政府信息公开申请41件（含上年结转1件），办结38件",
     "41 is 新收 + 上年结转; the 1 in brackets is 上年结转"),
    (2024, "其中自然人申请29件、商业企业申请7件、科研机构申请2件",
     "其中商业企业申请7件、自然人申请29件、科研机构申请2件",
     "each figure of a list is read with its own words"),
    (2021, "其中上年未审结的1件经复议维持原答复",
     "其中1件为上年结转案件，经复议维持原答复",
     "a 复议 case carried over is no 表三 上年结转"),
    (2024, "二是被责令重新答复的行政复议案件暴露出",
     "二是本年度1件行政复议案件被责令重新答复，暴露出",
     "a 复议 case 责令重新答复 is 结果纠正"),
    (2024, "全年作出外国人来华工作许可决定238件；",
     "全年受理外国人来华工作许可申请241件，作出许可决定238件；",
     "a licence application is no 政府信息公开申请"),
]  # fmt: skip


@pytest.mark.parametrize(
    "year, old, new",
    [pytest.param(y, o, n, id=f"{y}-{i}-{why}") for i, (y, o, n, why) in enumerate(_STAFF_WORDING)],
)  # fmt: skip
def test_sentences_staff_write_are_read_right(year: int, old: str, new: str, tmp_path: Path) -> None:
    text = (CORPUS / f"{year}.md").read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / f"{year}.md"
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = validate(read_report(path), _prior(year))
    assert [f"{f.rule}: {f.message}" for f in result.findings] == []
