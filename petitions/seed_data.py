"""Reference data every deployment starts with; administrators edit it afterwards."""

# Two-level problem categories (问题类别): (code, name, [(code, name), ...]).
CATEGORIES = [
    (
        "land",
        "土地征收与安置",
        [
            ("land-expropriation", "土地征收补偿"),
            ("land-resettlement", "拆迁安置"),
            ("land-contract", "土地承包经营"),
            ("land-homestead", "宅基地"),
        ],
    ),
    (
        "wages",
        "劳动与工资",
        [
            ("wages-arrears", "拖欠农民工工资"),
            ("wages-labour", "劳动关系"),
            ("wages-injury", "工伤待遇"),
        ],
    ),
    (
        "neighbours",
        "邻里纠纷",
        [
            ("neighbours-boundary", "地界房界"),
            ("neighbours-passage", "排水通行"),
            ("neighbours-other", "其他相邻关系"),
        ],
    ),
    (
        "family",
        "婚姻家庭",
        [
            ("family-marriage", "婚姻"),
            ("family-support", "赡养抚养"),
            ("family-inheritance", "继承"),
        ],
    ),
    (
        "environment",
        "生态环境",
        [
            ("environment-pollution", "环境污染"),
            ("environment-livestock", "畜禽养殖污染"),
            ("environment-living", "农村人居环境"),
        ],
    ),
    (
        "roads-water",
        "道路与水利",
        [
            ("roads", "道路交通设施"),
            ("water-supply", "农村饮水"),
            ("irrigation", "农田水利"),
            ("power-telecom", "电力通信"),
        ],
    ),
    (
        "social-security",
        "社会保障",
        [
            ("social-assistance", "低保与救助"),
            ("pension", "养老保险"),
            ("medical-insurance", "医疗保障"),
            ("disability", "残疾人帮扶"),
        ],
    ),
    (
        "housing",
        "住房",
        [
            ("housing-dilapidated", "危房改造"),
            ("housing-property", "房屋产权"),
            ("housing-illegal", "违法建设"),
        ],
    ),
    (
        "village-affairs",
        "村务管理",
        [
            ("village-finance", "村务财务公开"),
            ("village-collective", "集体资产资源"),
            ("village-election", "村级选举"),
        ],
    ),
    (
        "public-order",
        "社会治安",
        [
            ("public-order-security", "治安问题"),
            ("public-order-fraud", "电信网络诈骗"),
            ("public-order-safety", "安全隐患"),
        ],
    ),
    (
        "agriculture",
        "农业农村",
        [
            ("agri-subsidy", "惠农补贴"),
            ("agri-disaster", "农业灾害"),
            ("agri-forest", "山林权属"),
        ],
    ),
    (
        "conduct",
        "干部作风",
        [
            ("conduct-style", "工作作风"),
            ("conduct-violation", "违纪违法"),
        ],
    ),
    (
        "other",
        "其他",
        [
            ("other-policy", "政策咨询"),
            ("other-misc", "其他事项"),
        ],
    ),
]

# Handling units of a town besides its villages: (name, kind).
TOWN_UNITS = [
    ("信访接待中心", "centre"),
    ("综治中心", "centre"),
    ("矛盾纠纷调处中心", "centre"),
    ("公共法律服务站", "centre"),
    ("镇纪委", "discipline"),
    ("党政办公室", "office"),
    ("农业农村办公室", "office"),
    ("自然资源和规划所", "office"),
    ("社会事务办公室", "office"),
    ("规划建设办公室", "office"),
    ("劳动保障所", "office"),
    ("生态环境办公室", "office"),
    ("应急管理办公室", "office"),
    ("财政所", "office"),
    ("司法所", "office"),
    ("派出所", "office"),
]
