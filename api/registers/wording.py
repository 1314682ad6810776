"""The register's words: Chinese headings and values, and errors put the way a clerk reads them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from domain.values import FamilyCategory, Gender, Occasion, Relation, ServiceKind

FAMILY_HEADINGS = (
    "户编号",
    "姓名",
    "与户主关系",
    "公民身份号码",
    "性别",
    "出生日期",
    "家庭类别",
    "区划代码",
    "家庭住址",
    "联系电话",
    "登记日期",
)
SERVICE_HEADINGS = (
    "户主公民身份号码",
    "服务类型",
    "节日",
    "服务日期",
    "工作人员",
    "服务内容",
    "慰问金",
    "物品",
    "物品价值",
)

RELATIONS = {
    "户主": Relation.HEAD,
    "配偶": Relation.SPOUSE,
    "子女": Relation.CHILD,
    "父母": Relation.PARENT,
    "孙子女": Relation.GRANDCHILD,
    "其他": Relation.OTHER,
}
GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE}
CATEGORIES = {
    "失独": FamilyCategory.BEREAVED,
    "伤残": FamilyCategory.DISABLED_CHILD,
    "节育手术并发症": FamilyCategory.SURGERY_COMPLICATION,
    "困难": FamilyCategory.HARDSHIP,
    "独生子女": FamilyCategory.ONLY_CHILD,
    "双女": FamilyCategory.TWO_DAUGHTERS,
}
SERVICE_KINDS = {
    "走访慰问": ServiceKind.VISIT,
    "精神慰藉": ServiceKind.COMFORT,
    "志愿服务": ServiceKind.VOLUNTEER,
    "陪同就医": ServiceKind.MEDICAL_ESCORT,
    "其他": ServiceKind.OTHER,
}
OCCASIONS = {
    "春节": Occasion.SPRING_FESTIVAL,
    "端午": Occasion.DRAGON_BOAT,
    "中秋": Occasion.MID_AUTUMN,
    "5.29": Occasion.MAY29,
    "日常": Occasion.ROUTINE,
    "紧急": Occasion.EMERGENCY,
}

PERSON_FIELDS = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "birth_date": "出生日期",
    "gender": "性别",
    "phone": "联系电话",
    "relation": "与户主关系",
}
FAMILY_FIELDS = {
    "region_code": "区划代码",
    "category": "家庭类别",
    "address": "家庭住址",
    "registered_on": "登记日期",
}
SERVICE_FIELDS = {
    "family_id": "户主公民身份号码",
    "kind": "服务类型",
    "occasion": "节日",
    "occurred_on": "服务日期",
    "staff": "工作人员",
    "summary": "服务内容",
    "cash": "慰问金",
    "goods": "物品",
}


def choices(vocabulary: Mapping[str, object]) -> str:
    return "只能填 " + "/".join(vocabulary)


# Messages of the request models and domain rules, as a clerk would say them. Patterns are
# tried in order; an unknown message is shown after a plain "填写有误".
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"17 digits and a check character", "公民身份号码应为18位：17位数字加1位校验码（数字或X）"),
    (r"check character is wrong", "公民身份号码的校验码不对，请核对号码"),
    (r"does not contain a valid birth date", "公民身份号码中的出生日期不存在"),
    (
        r"birth.?date.*(resident ID|id_number)|(resident ID|id_number).*birth",
        "出生日期与公民身份号码不符",
    ),
    (
        r"(gender|sex).*(resident ID|id_number)|(resident ID|id_number).*(gender|sex)",
        "性别与公民身份号码不符",
    ),
    (r"region code is 6, 9 or 12 digits", "区划代码应为6位（县）、9位（乡镇）或12位（村）数字"),
    (r"region code starts with a province", "区划代码应以省级代码开头"),
    (r"(region|code).*(not exist|unknown|no such|not known)", "区划代码不存在"),
    (r"cannot be in the future \(today is (?P<today>[0-9-]+)\)", "日期不能晚于今天（{today}）"),
    (r"appears twice in this family", "同一公民身份号码在本户出现了两次"),
    (r"outside your region", "不在导入用户负责的区划内"),
    (r"available(?: as of [0-9-]+)?, less than", "资金账户余额不足，慰问金未发放"),
    (r"pay only from warm_heart funds", "--cash-fund 不是暖心行动资金，不能发放慰问金"),
    (r"cannot pay a family in region", "--cash-fund 所属区划不覆盖该户，不能发放慰问金"),
    (r"amount must be positive", "金额必须大于0"),
    (r"fund .* not found", "找不到 --cash-fund 指定的资金账户"),
    (
        r"pays cash is dated on or after the family's registration \((?P<on>[0-9-]+)\)",
        "发放慰问金的服务日期不能早于该户登记日期（{on}）",
    ),
    (r"closed", "该户已注销，注销后的服务不能登记"),
    (r"Field required|Input should not be empty|at least 1 character", "必填，不能为空"),
    (r"at most (?P<n>\d+) characters", "太长，最多{n}个字"),
    (r"should match pattern", "格式不对"),
    (
        r"valid date|date_from_datetime|Input should be a valid date",
        "日期格式不对，应写作 2024-02-05",
    ),
    (r"control characters", "含有不可见的控制字符"),
    (r"yuan|decimal|amount", "金额格式不对，应写作 300 或 300.00"),
)


def in_chinese(message: str) -> str:
    for pattern, wording in _MESSAGES:
        found = re.search(pattern, message, flags=re.IGNORECASE)
        if found:
            return wording.format(**found.groupdict())
    return f"填写有误：{message}"
