"""Every setting and every validator rule is documented in the README (it fails when one is not)."""

from __future__ import annotations

import re

from conftest import ROOT

from reportassist import RULES, Settings

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"^\| `(\w+)` \|", README, flags=re.MULTILINE))
    assert set(Settings.model_fields) <= documented


def test_every_rule_is_documented_with_its_severity() -> None:
    rows = dict(re.findall(r"^\| `([\w.]+)` \| (错误|提示) \|", README, flags=re.MULTILINE))
    for rule in RULES:
        assert rows.get(rule.id) == ("错误" if rule.severity == "error" else "提示"), rule.id


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in README
