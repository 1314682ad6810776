"""Commands on the rules that price claims."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from application.commands import Command


@dataclass(frozen=True, slots=True)
class AddRuleVersion(Command):
    KIND: ClassVar[str] = "add_rule_version"
    rule_id: str
    effective_from: dt.date
    terms: dict[str, Any]
