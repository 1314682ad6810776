"""Our codes as the associations write them in Chinese, so that no English code appears
inside Chinese text (timeline summaries, the demo, and the registers imports will read)."""

from __future__ import annotations

from domain.values import FamilyCategory, Relation

CATEGORY_LABELS: dict[FamilyCategory, str] = {
    FamilyCategory.BEREAVED: "失独家庭",
    FamilyCategory.DISABLED_CHILD: "计生伤残家庭",
    FamilyCategory.SURGERY_COMPLICATION: "节育手术并发症家庭",
    FamilyCategory.HARDSHIP: "计生困难家庭",
    FamilyCategory.ONLY_CHILD: "独生子女户",
    FamilyCategory.TWO_DAUGHTERS: "双女户",
}

RELATION_LABELS: dict[Relation, str] = {
    Relation.HEAD: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.GRANDCHILD: "孙子女",
    Relation.OTHER: "其他",
}

CLOSED_LABEL = "销户"
"""A family's case is closed (not the court's 结案)."""

REOPENED_LABEL = "恢复"
"""A closed family's case is restored (not the court's 重新立案)."""
