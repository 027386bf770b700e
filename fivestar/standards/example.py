"""A small, valid framework: the content of the downloadable templates (every rule kind and flag once)."""

EXAMPLE = {
    "code": "example-2024-rural",
    "name": "示例县2024年农村“五星”支部创建标准（模板）",
    "branch_type": "rural",
    "version": "2024",
    "issuer": "中共示例县委组织部",
    "stars": [
        {
            "code": "zbgy",
            "name": "支部过硬星",
            "order": 1,
            "pass_ratio": 0.8,
            "requires": ["cyxw"],
            "standards": [
                {
                    "code": "zbgy-01",
                    "name": "支部书记过硬",
                    "rules": [
                        {
                            "code": "zbgy-01-01",
                            "text": "村党支部书记年度考核为“好”等次",
                            "kind": "check",
                            "max": 5,
                            "required": True,
                            "evidence": {"kinds": ["document"], "min_count": 1, "hint": "年度考核结果通报"},
                        },
                        {
                            "code": "zbgy-01-02",
                            "text": "书记参加县级以上集中培训，学习笔记完整",
                            "kind": "points",
                            "max": 5,
                            "evidence": {"kinds": ["document", "photo"], "min_count": 2, "hint": "培训通知、签到表及学习笔记"},
                        },
                    ],
                },
                {
                    "code": "zbgy-02",
                    "name": "组织生活规范",
                    "rules": [
                        {
                            "code": "zbgy-02-01",
                            "text": "未按规定召开“三会一课”，每次扣2分",
                            "kind": "deduction",
                            "max": 6,
                            "per_occurrence": 2,
                            "evidence": {"kinds": ["ledger"], "min_count": 1, "hint": "三会一课记录本"},
                        },
                    ],
                },
            ],
        },
        {
            "code": "cyxw",
            "name": "产业兴旺星",
            "order": 2,
            "pass_ratio": 0.8,
            "requires": [],
            "standards": [
                {
                    "code": "cyxw-01",
                    "name": "集体经济发展",
                    "rules": [
                        {
                            "code": "cyxw-01-01",
                            "text": "村集体经济年收入达到5万元以上，按收入分档计分",
                            "kind": "metric",
                            "max": 10,
                            "thresholds": [{"min": 50000, "points": 6}, {"min": 100000, "points": 10}],
                            "unit": "元",
                            "indicator": "collective_income",
                            "veto": True,
                            "pass_mark": 6,
                            "evidence": {"kinds": ["ledger", "document"], "min_count": 2, "hint": "集体经济收入明细账"},
                        },
                        {
                            "code": "cyxw-01-02",
                            "text": "发展特色产业，形成“一村一品”（无种养殖条件的可申请不适用）",
                            "kind": "points",
                            "max": 5,
                            "na_allowed": True,
                        },
                    ],
                },
            ],
        },
    ],
}
