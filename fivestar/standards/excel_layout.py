"""The Excel layout of a framework: sheets, columns (key, header, width) and the instructions sheet."""

from __future__ import annotations

from .labels import KIND_WORDS, THRESHOLD_HELP

HELP = "填写说明"
INFO = "基本信息"
STARS = "星"
STANDARDS = "标准"
RULES = "细则"
SHEET_ORDER = (HELP, INFO, STARS, STANDARDS, RULES)

#: 基本信息: one row per item (项目 | 值 | 说明).
INFO_ROWS = (
    ("code", "代码", "框架版本的唯一代码，只能使用小写字母、数字和连字符，如 puyang-2024-rural"),
    ("name", "名称", "如：濮阳县2024年农村“五星”支部创建标准"),
    ("branch_type", "支部类型", "农村 或 社区"),
    ("version", "版本", "如 2024"),
    ("issuer", "发布单位", "如：中共濮阳县委组织部"),
)
INFO_HEADERS = ("项目", "值", "说明")

#: (data key, header, width); the first `required` headers must be present.
STAR_COLUMNS = (
    ("code", "代码", 12), ("name", "名称", 18), ("order", "顺序", 8), ("pass_ratio", "通过比例", 10),
    ("pass_score", "通过分", 10), ("requires", "依赖星", 30),
)
STANDARD_COLUMNS = (("star", "星代码", 10), ("code", "标准代码", 14), ("name", "标准名称", 36))
RULE_COLUMNS = (
    ("standard", "标准代码", 12), ("code", "细则代码", 14), ("text", "内容", 60), ("kind", "类型", 8),
    ("max", "分值", 8), ("per_occurrence", "每次扣分", 10), ("thresholds", "档次", 28), ("unit", "单位", 8),
    ("indicator", "关联指标", 16), ("required", "必达", 8), ("veto", "一票否决", 10), ("na_allowed", "可不适用", 10),
    ("pass_mark", "达标分", 8), ("evidence.kinds", "佐证类型", 16), ("evidence.min_count", "佐证数量", 10),
    ("evidence.hint", "佐证说明", 40),
)
REQUIRED_HEADERS = {
    INFO: ("项目", "值"),
    STARS: ("代码", "名称"),
    STANDARDS: ("星代码", "标准代码", "标准名称"),
    RULES: ("标准代码", "细则代码", "内容", "类型", "分值"),
}
COLUMNS = {STARS: STAR_COLUMNS, STANDARDS: STANDARD_COLUMNS, RULES: RULE_COLUMNS}
FLAG_HEADERS = ("必达", "一票否决", "可不适用")
KIND_CHOICES = tuple(KIND_WORDS.values())

HELP_LINES = (
    ("创建标准导入模板 · 填写说明", "title"),
    ("本工作簿描述一个创建标准版本：「基本信息」一页、「星」每颗星一行、「标准」每条创建标准一行、「细则」每条实施细则一行。", ""),
    ("第一行是表头，请勿修改表头文字和工作表名称；行的先后顺序就是页面上的显示顺序。", ""),
    ("代码只能使用小写字母、数字和连字符（如 zbgy、zbgy-01、zbgy-01-03），在整个文件中不能重复。", ""),
    ("「星」工作表", "head"),
    ("通过比例：0 到 1 之间的小数（如 0.8 表示达到适用满分的 80%）；通过分：固定分数，不能超过该星满分；两者都填时都须满足。", ""),
    ("依赖星：获得本星前必须先获得的星的代码，多个用“、”分隔（如 cyxw、stjy、paf、wmxf 表示“支部过硬星”须先获得其他四星）；不能循环依赖。", ""),
    ("「标准」工作表", "head"),
    ("星代码：该标准所属星的代码，必须是「星」工作表中已有的代码。", ""),
    ("「细则」工作表", "head"),
    ("标准代码：该细则所属创建标准的代码，必须是「标准」工作表中已有的代码。", ""),
    ("类型：达标（是/否，达标得满分）、评分（0 到分值之间打分）、扣分（按发生次数扣分，须填“每次扣分”）、指标（按数值分档得分，须填“档次”）。", ""),
    ("分值：该细则的满分，必须大于 0。", ""),
    (f"档次（仅指标类）：{THRESHOLD_HELP}；下限须严格递增，得分不能递减且不能超过分值。", ""),
    ("单位、关联指标（仅指标类）：关联指标填“村集体经济收入”时，未填报细则值的村自动采用其集体经济收入数据。", ""),
    ("必达：该细则未达到达标分时本星不能获得；一票否决：未达标或记录否决事项时本星不能获得；可不适用：允许村（社区）标记为不适用。", ""),
    ("达标分：必达或一票否决细则需要达到的分数，留空表示须得满分；不能超过分值。", ""),
    ("佐证类型：照片、文件、台账，多个用“、”分隔；佐证数量：至少需要的佐证件数；佐证说明：应提供什么材料。", ""),
    ("导入时会检查全部内容，任何一处错误都不会保存，并按工作表、行、列列出全部问题。", ""),
)
