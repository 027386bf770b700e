"""Plausible, deterministic Chinese person names and phone numbers for the demo."""

import random

# Surnames weighted towards those common in Puyang villages (many villages are named after clans).
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹孟熊秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔贺赖文"
MALE = "建国 国强 志刚 海军 红义 卫东 文斌 振华 永强 立新 保国 春生 德胜 明亮 俊杰 新民 庆丰 连成 光辉 晓东 永利 宏伟 福林 金山 长青 广才 玉明 学军 瑞峰 宝山 铁军 子豪 浩然 宇航 成龙 树林 占国 天福 守业 怀仁".split()
FEMALE = "秀英 桂兰 玉梅 红霞 丽娜 春花 海燕 淑芳 凤英 晓红 翠萍 雪梅 艳玲 慧敏 静怡 金凤 美玲 素琴 月娥 巧云 小燕 佳慧 梦洁 玉兰 彩霞".split()


class NameMaker:
    def __init__(self, seed: str):
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def person(self, gender: str | None = None, surname: str | None = None) -> tuple[str, str]:
        gender = gender or ("F" if self.rng.random() < 0.3 else "M")
        for _ in range(200):
            family = surname or self.rng.choice(SURNAMES)
            given = self.rng.choice(FEMALE if gender == "F" else MALE)
            if self.rng.random() < 0.15:
                given = given[:1]
            name = family + given
            if name not in self.used:
                self.used.add(name)
                return name, gender
        return family + given + str(len(self.used)), gender

    def phone(self) -> str:
        return "1" + self.rng.choice("3578") + "".join(self.rng.choice("0123456789") for _ in range(9))
