"""What the demo county is made of: its places, names, festivals, goods and the words its
caseworkers write. Pure data; `planning` draws from it.

The township and village codes follow the statistical-code pattern (street 0xx, town 1xx;
residents' committee 0xx, village committee 2xx) but are demo codes, not the official list.
"""

from __future__ import annotations

import datetime as dt

from domain.values import FamilyCategory, Gender, Occasion, ServiceKind

COUNTY_CODE = "430121"
COUNTY_NAME = "长沙县"

# (township code suffix, name, residents' committees, village committees). Streets (街道) are
# urban and have only residents' committees (社区); towns (镇) have one town community and villages.
TOWNSHIP_CATALOGUE: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "001",
        "星沙街道",
        ("天华社区", "东升社区", "星城社区", "松雅社区", "滨湖社区", "湘绣社区"),
        (),
    ),
    ("004", "榔梨街道", ("陶公庙社区", "临湘社区", "榔梨社区", "梨江社区"), ("龙华村", "保家村")),
    ("101", "黄兴镇", ("黄兴社区",), ("蓝田村", "沿江村", "黄兴新村", "光明村", "大塘村")),
    ("102", "江背镇", ("江背社区",), ("五福村", "印山村", "乌川村", "金洲村", "特立村")),
    ("103", "福临镇", ("福临铺社区",), ("影珠山村", "金坑桥村", "开物村", "福临村", "杨林村")),
    ("104", "路口镇", ("路口社区",), ("明月村", "上杉市村", "麻林村", "花园村", "新明村")),
    ("105", "春华镇", ("春华社区",), ("春华山村", "龙王庙村", "九木村", "金鼎山村", "大鱼村")),
    ("106", "果园镇", ("果园社区",), ("浔龙河村", "田汉村", "双河村", "新阳村", "花果村")),
)

HOSPITALS = ("长沙县人民医院", "长沙县第一人民医院", "湖南省人民医院", "中南大学湘雅医院")
HOSPITAL_WEIGHTS = (5, 3, 1, 1)

# The ten commonest surnames, plus some that are common in Hunan, less often.
SURNAMES = "王李张刘陈杨黄赵周吴彭罗谭曾易邓胡"
SURNAME_WEIGHTS = (9, 9, 8, 8, 7, 6, 6, 5, 5, 5, 4, 4, 3, 3, 2, 2, 2)

# Given names by generation, so a grandmother is not called 梓涵.
# fmt: off
GIVEN_NAMES: dict[tuple[str, Gender], tuple[str, ...]] = {
    ("elder", Gender.MALE): (
        "建国", "国强", "志明", "德华", "春生", "桂林", "长青", "铁军", "正清", "光明",
        "新民", "庆华", "满秋", "福生", "运良", "汉章", "海泉", "冬生", "炳坤", "振华",
    ),
    ("elder", Gender.FEMALE): (
        "桂英", "秀英", "淑珍", "玉兰", "春梅", "凤英", "美华", "冬梅", "桂兰", "菊香",
        "腊梅", "秋菊", "金凤", "满姣", "翠兰", "月娥", "素珍", "玉梅", "细妹", "爱华",
    ),
    ("young", Gender.MALE): (
        "伟", "强", "磊", "涛", "勇", "杰", "鹏", "浩", "俊", "明辉",
        "志强", "文斌", "建军", "海波", "晓东", "卫东", "智勇", "湘军", "振宇", "思远",
    ),
    ("young", Gender.FEMALE): (
        "丽", "芳", "静", "婷", "敏", "娟", "燕", "霞", "晓琳", "佳怡",
        "雨欣", "思敏", "湘云", "丽娟", "海燕", "艳红", "玉洁", "慧", "倩", "琴",
    ),
    ("child", Gender.MALE): ("梓轩", "浩然", "子墨", "宇航", "俊熙", "一鸣", "子涵", "睿"),
    ("child", Gender.FEMALE): ("梓涵", "欣怡", "诗涵", "可馨", "语桐", "若曦", "雨涵", "一诺"),
}
# fmt: on

TOWNSHIP_CADRE_POSITIONS = ("计生协专干", "社会事务办干部", "党政办干部")
VILLAGE_CADRE_POSITIONS = ("妇女主任", "计生专干", "村医", "协会会员", "村委委员")
COMMUNITY_CADRE_POSITIONS = ("计生专干", "网格员", "社区医生", "协会会员")

# Lunar festivals fall on different Gregorian dates each year (农历正月初一, 五月初五, 八月十五).
# fmt: off
FESTIVALS: dict[Occasion, tuple[dt.date, ...]] = {
    Occasion.SPRING_FESTIVAL: tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17",
            "2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03",
        )
    ),
    Occasion.DRAGON_BOAT: tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2023-06-22", "2024-06-10", "2025-05-31", "2026-06-19",
            "2027-06-09", "2028-05-28", "2029-06-16", "2030-06-05",
        )
    ),
    Occasion.MID_AUTUMN: tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2023-09-29", "2024-09-17", "2025-10-06", "2026-09-25",
            "2027-09-15", "2028-10-03", "2029-09-22", "2030-09-12",
        )
    ),
}
# fmt: on

Goods = tuple[tuple[str, int], ...]
"""Goods in kind: (description, value in fen)."""

# Festival condolence money per special family (local practice, DOMAIN.md): 500 / 300 / 300.
FESTIVAL_CASH_FEN: dict[Occasion, int] = {
    Occasion.SPRING_FESTIVAL: 50_000,
    Occasion.DRAGON_BOAT: 30_000,
    Occasion.MID_AUTUMN: 30_000,
}

FESTIVAL_GOODS: dict[Occasion, tuple[Goods, ...]] = {
    Occasion.SPRING_FESTIVAL: (
        (("大米 25 公斤", 13000), ("食用油 5 升", 8500)),
        (("大米 10 公斤", 6000), ("食用油 5 升", 8500), ("腊肉 2 斤", 9000)),
        (("大米 25 公斤", 13000), ("食用油 5 升", 8500), ("棉被 1 床", 20000)),
    ),
    Occasion.DRAGON_BOAT: (
        (("粽子礼盒", 8800),),
        (("粽子礼盒", 8800), ("咸鸭蛋 20 枚", 3600)),
        (("粽子 20 个", 5000), ("牛奶 1 箱", 6000)),
    ),
    Occasion.MID_AUTUMN: (
        (("月饼礼盒", 12800),),
        (("月饼礼盒", 9800), ("水果", 5000)),
        (("月饼 1 盒", 6800), ("食用油 5 升", 8500)),
    ),
    Occasion.MAY29: (
        (("牛奶 1 箱", 6000),),
        (("暖心包（毛巾、洗衣液、香皂）", 5000),),
        (),
    ),
}

FESTIVAL_SUMMARIES: dict[Occasion, tuple[str, ...]] = {
    Occasion.SPRING_FESTIVAL: (
        "春节走访慰问，送去米油和慰问金",
        "春节前上门走访，送去年货，与老人拉家常，了解过年准备情况",
        "春节前走访，帮老人贴春联、打扫卫生，叮嘱注意防寒保暖",
        "新春慰问，了解老人身体和生活情况，宣传特别扶助政策",
    ),
    Occasion.DRAGON_BOAT: (
        "端午节走访慰问，送去粽子",
        "端午前上门看望，一起包粽子话家常，了解老人身体情况",
        "端午节慰问，提醒老人汛期注意安全，检查房屋情况",
    ),
    Occasion.MID_AUTUMN: (
        "中秋节走访慰问，送去月饼，祝老人节日快乐",
        "中秋前上门陪老人聊天，送去节日慰问品",
        "中秋国庆走访，了解近期生活困难和就医需求",
    ),
    Occasion.MAY29: (
        "5·29会员活动日走访，宣传暖心行动和特别扶助政策",
        "5·29会员活动日，邀请老人参加暖心家园联谊活动",
        "5·29会员活动日上门慰问，核实家庭信息，更新联系方式",
    ),
}

ROUTINE_SUMMARIES: dict[ServiceKind, tuple[str, ...]] = {
    ServiceKind.VISIT: (
        "月度上门走访，了解近况，老人身体状况稳定",
        "上门走访，核实家庭情况，更新联系电话",
        "上门看望，了解用药和就医情况，提醒按时复查",
        "上门走访，帮助老人办理医保缴费",
    ),
    ServiceKind.COMFORT: (
        "电话联系，询问近况，老人情绪平稳",
        "精神慰藉：与老人谈心，疏导思念子女的情绪",
        "心理咨询师随同上门，开展心理疏导",
        "组织参加暖心家园手工活动，结识同伴，老人心情较好",
    ),
    ServiceKind.VOLUNTEER: (
        "志愿者上门打扫卫生、整理房间",
        "志愿者上门理发、测量血压",
        "志愿者帮助检修电路、更换灯泡",
        "志愿者陪同老人散步聊天，代购生活用品",
    ),
}

DISABLED_CHILD_SUMMARIES = (
    "上门看望残疾子女，协助申请残疾人两项补贴",
    "协助办理残疾证年审，了解康复训练情况",
    "上门走访，了解照护负担，联系康复机构上门指导",
)

EMERGENCIES: tuple[tuple[ServiceKind, str, Goods], ...] = (
    (
        ServiceKind.MEDICAL_ESCORT,
        "户主突发疾病住院，联系人第一时间赶到医院看望，协助办理住院手续",
        (("营养品", 20000),),
    ),
    (ServiceKind.VOLUNTEER, "暴雨导致房屋漏雨，组织志愿者上门抢修", ()),
    (
        ServiceKind.VISIT,
        "老人在家跌倒受伤，联系人陪同就医，并安排志愿者照料",
        (("营养品", 15000),),
    ),
    (ServiceKind.VISIT, "寒潮来临，上门检查取暖设施，送去棉被", (("棉被 1 床", 20000),)),
)

CORRECTION_REASONS = {
    "occurred_on": "走访日期录错，按走访登记表更正为实际日期",
    "goods": "慰问品金额录入有误，按采购发票更正",
    "summary": "补充走访情况",
}


# Families per category in each block of fifty: mostly special families, as in a real register.
CATEGORY_DECK = {
    FamilyCategory.BEREAVED: 21,
    FamilyCategory.DISABLED_CHILD: 15,
    FamilyCategory.SURGERY_COMPLICATION: 3,
    FamilyCategory.HARDSHIP: 5,
    FamilyCategory.ONLY_CHILD: 3,
    FamilyCategory.TWO_DAUGHTERS: 3,
}
