"""Write bench/data/matter_pairs.jsonl: the labelled pairs of the same-matter benchmark (bench_judgement.py).

    .venv/bin/python bench/make_matter_pairs.py            # writes the file (deterministic: --seed)

Run once; the file is committed and the split recorded in it (field "split"), so tuning never sees the test half.

How the pairs are written. A *matter* is a set of facts (who, which company/shop/project, how much, when, what is
asked). Each *text* of a pair is written on its own from its matter's facts by a writer who picks, independently
of the other text: a channel (letter, phone record, online message, visit record) and its opening, one of several
tellings of that kind of matter (different sentences, different order, different words for the same things), the
surface of each fact (32000元 / 3.2万元 / 三万二千元; 2024年4月 / 24年4月份 / 去年4月; 宏达建筑劳务有限公司 / 宏达劳务 /
宏达公司), which details to give and which to leave out, and a sentence of the petitioner's own circumstances. No
text is made by editing another: a repeat shares its original's facts, not its wording. This is a generated corpus,
not real petitions (none may leave an office); its limits are in docs/MATCHING.md.

Kinds of pair (label `repeat` = same petitioner and same matter; `same_matter` = one matter whoever tells it):
- repeat_easy     same person, same matter, same channel (a letter sent again, a second call)          easy
- repeat_hard     same person, same matter, told another way from another channel, details dropped      hard
- lookalike       another person of the same village, same opening, same kind of matter, other facts    hard
- other_matter    the same person with another matter (another kind, or the same kind against another) hard
- joint           another person on the same matter (a co-worker, a neighbour): 涉众/联名, not a repeat   hard
- unrelated       another person, another village, another kind of matter                               easy
"""

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "matter_pairs.jsonl"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
GIVEN = ("建国", "秀英", "桂兰", "志强", "海燕", "国华", "春梅", "德明", "玉珍", "小军", "长富", "金花", "永红", "文斌",
         "淑芬", "大勇", "新民", "丽娟", "福生", "红霞", "明亮", "凤英", "学军", "爱华", "成林", "翠萍")
TOWNS = {"青石镇": ("石桥村", "柳湾村", "高坎村"), "龙泉镇": ("龙井村", "新华村", "白沙村"),
         "清溪乡": ("上坝村", "桃园村", "杨家村"), "河口镇": ("沙坪村", "河湾村", "红岩村")}
GROUPS = ("一组", "二组", "三组", "四组", "五组", "六组", "七组")
CN = "〇一二三四五六七八九"


def cn_small(n: int) -> str:
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n % 10] if n % 10 else "")
    return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")


def cn_amount(n: int) -> str | None:
    """32000 → 三万二千 (only round thousands, as people say them)."""
    if n % 1000 or n >= 1_000_000:
        return None
    wan, qian = divmod(n // 1000, 10)
    out = ""
    if wan:
        out += (cn_small(wan) if wan < 100 else str(wan)) + "万"
    if qian:
        out += ("两" if qian == 2 else CN[qian]) + "千"
    return out or None


def money(rng: random.Random, n: int) -> str:
    forms = [f"{n}元"]
    if n >= 10000:
        forms.append(f"{n / 10000:g}万元")
        forms.append(f"{n / 10000:g}万")
    spoken = cn_amount(n)
    if spoken:
        forms.append(spoken + rng.choice(("元", "块钱", "元钱")))
    return rng.choice(forms)


def month_text(rng: random.Random, year: int, month: int, received: date) -> str:
    forms = [f"{year}年{month}月", f"{year}年{month}月份", f"{str(year)[2:]}年{month}月"]
    if year == received.year:
        forms += [f"今年{month}月", f"{cn_small(month)}月份" if month <= 12 else f"{month}月"]
    if year == received.year - 1:
        forms += [f"去年{month}月", f"去年{cn_small(month)}月"]
    return rng.choice(forms)


# --- the kinds of matter: facts, tellings, demands --------------------------------------------------------------

COMPANIES = ("宏达", "鑫源", "华茂", "永盛", "恒基", "天宇", "广厦", "盛世", "中建联", "瑞丰", "金桥", "东方红", "兴业",
             "长城", "宝龙", "恒信", "顺通", "利民", "新纪元", "富力康")
SHOPS = ("鸿运", "丰收", "金穗", "农家乐", "惠农", "绿野", "好收成", "万家福", "田园", "谷丰")
ESTATES = ("锦绣花园", "阳光家园", "翡翠湾", "滨江壹号", "书香苑", "凤凰城", "康乐小区", "幸福里", "金色港湾", "紫荆苑")
PROJECTS = ("东环高速", "工业园三期", "城南污水处理厂", "G318改线工程", "高铁站前广场", "滨江路拓宽工程", "物流园",
            "老城区棚户区改造项目", "县医院新院区", "光伏发电项目")
FACTORIES = ("恒通化工厂", "顺发砖厂", "永兴石料厂", "金龙造纸厂", "宏远混凝土搅拌站", "大华养殖场", "新星塑料厂",
             "利达采石场")
BUSINESSES = ("动感健身房", "启航教育培训中心", "优美美容店", "小天才托管中心", "力美健身俱乐部", "智慧星培训学校",
              "蓝天游泳馆会员中心", "学而思达辅导中心")
TRADES = ("木工", "钢筋工", "泥瓦工", "架子工", "小工", "水电工", "油漆工")
CROPS = ("玉米", "水稻", "小麦", "油菜", "辣椒")
FAMILY = ("老伴瘫痪在床", "儿子是残疾人", "我患有尿毒症要长期透析", "家里两个孩子上学", "丈夫去世多年", "我今年七十八岁无儿无女")
RESPONDENT = {"wages": "县人社局", "seeds": "县市场监管局", "land": "县自然资源局", "demolition": "县住建局",
              "property": "县住建局", "pollution": "县生态环境局", "dibao": "县民政局", "insurance": "县人社局",
              "housing": "县住建局", "prepaid": "县市场监管局", "homestead": "乡镇人民政府", "injury": "县人社局"}
KINDS = tuple(RESPONDENT)
# Matters many people share (one employer's arrears, one shop's seeds, one project's land): the joint pairs' kinds.
COLLECTIVE = ("wages", "seeds", "land", "demolition", "property", "pollution", "housing", "prepaid")


def new_facts(rng: random.Random, kind: str, received: date, village: str) -> dict:
    """The facts of one matter of `kind`: what every telling of it shares."""
    year = received.year - rng.choice((0, 0, 1))
    month = rng.randint(1, received.month) if year == received.year else rng.randint(1, 12)
    f = {"kind": kind, "year": year, "month": month, "village": village}
    if kind == "wages":
        name = rng.choice(COMPANIES)
        f |= {"company": name, "company_full": f"{name}建筑劳务有限公司", "project": rng.choice(ESTATES) + rng.choice(("二期", "三期", "一期")),
              "foreman": rng.choice(SURNAMES), "amount": rng.randrange(8, 90) * 1000, "n": rng.randint(3, 11),
              "trade": rng.choice(TRADES)}
    elif kind == "seeds":
        f |= {"shop": rng.choice(SHOPS) + "农资店", "crop": rng.choice(CROPS), "mu": rng.randint(3, 30),
              "loss": rng.randrange(4, 60) * 1000, "owner": rng.choice(SURNAMES), "bags": rng.randint(5, 40)}
    elif kind == "land":
        f |= {"project": rng.choice(PROJECTS), "mu": rng.choice((1.5, 2, 2.6, 3, 3.8, 4, 5.2, 6, 8)),
              "amount": rng.randrange(30, 400) * 1000, "group": rng.choice(GROUPS), "cadre": rng.choice(SURNAMES)}
    elif kind == "demolition":
        f |= {"project": rng.choice(PROJECTS), "area": rng.randrange(60, 320), "offered": rng.randrange(80, 900) * 1000,
              "company": rng.choice(COMPANIES) + "拆迁服务公司", "street": rng.choice(("解放路", "人民路", "滨江路", "建设街")) + f"{rng.randint(3, 180)}号"}
    elif kind == "property":
        estate = rng.choice(ESTATES)
        f |= {"estate": estate, "pco": rng.choice(("安居", "佳和", "万福", "绿城", "金管家")) + "物业",
              "building": f"{rng.randint(1, 18)}栋", "sub": rng.choice(("lift", "parking")), "floor": rng.randint(11, 32),
              "fee": rng.choice((100, 150, 200)), "fee2": rng.choice((300, 350, 400, 500))}
    elif kind == "pollution":
        f |= {"factory": rng.choice(FACTORIES), "sub": rng.choice(("water", "noise", "air"))}
    elif kind == "dibao":
        f |= {"family": rng.choice(FAMILY), "amount": rng.choice((380, 450, 520, 610, 680)), "cadre": rng.choice(SURNAMES)}
    elif kind == "insurance":
        name = rng.choice(COMPANIES)
        f |= {"company": name, "company_full": f"{name}{rng.choice(('机械', '食品', '纺织', '电子'))}有限公司",
              "years": rng.randint(4, 15), "amount": rng.randrange(20, 160) * 1000, "hr": rng.choice(SURNAMES)}
    elif kind == "housing":
        name = rng.choice(COMPANIES)
        f |= {"developer": f"{name}置业", "developer_full": f"{name}房地产开发有限公司", "estate": rng.choice(ESTATES),
              "building": f"{rng.randint(1, 20)}号楼", "amount": rng.randrange(100, 600) * 1000, "n": rng.randint(6, 30)}
    elif kind == "prepaid":
        f |= {"biz": rng.choice(BUSINESSES), "amount": rng.choice((1980, 2800, 3600, 4999, 6800, 8800, 12000)),
              "n": rng.randint(2, 15), "owner": rng.choice(SURNAMES)}
    elif kind == "homestead":
        f |= {"neighbour": rng.choice(SURNAMES), "width": rng.choice((0.5, 0.8, 1, 1.2, 1.5, 2)), "group": rng.choice(GROUPS)}
    elif kind == "injury":
        name = rng.choice(COMPANIES)
        f |= {"company": name, "company_full": f"{name}{rng.choice(('建材', '机械', '钢构'))}有限公司",
              "amount": rng.randrange(20, 200) * 1000, "paid": rng.randrange(2, 15) * 1000,
              "injury": rng.choice(("腰椎骨折", "右手三根手指被压断", "左腿粉碎性骨折", "头部受伤")), "days": rng.randint(10, 90)}
    return f


# The facts that make a matter this matter and no other (who is complained of, about what, how much).
KEY_FACTS = ("company", "shop", "project", "estate", "factory", "biz", "developer", "neighbour", "pco", "amount",
             "loss", "offered", "owner", "foreman", "cadre", "floor", "mu", "area")


def other_facts(rng: random.Random, kind: str, received: date, village: str, than: dict) -> dict:
    """Facts of another matter of `kind` than `than`: no key fact in common (a chance collision would make the
    label wrong: same shop, same amount is the same matter whatever the generator meant)."""
    while True:
        facts = new_facts(rng, kind, received, village)
        if all(facts.get(key) != than.get(key) for key in KEY_FACTS if key in facts):
            return facts


def tellings(f: dict, w: "Writer") -> tuple[list[str], list[str]]:
    """(ways to tell what happened, ways to say what is asked) for the facts `f`, in this writer's surfaces."""
    k = f["kind"]
    when = w.when(f)
    if k == "wages":
        co, full, pr, fm, amt = w.pick(f["company"] + "公司", f["company_full"], f["company"] + "劳务"), f["company_full"], f["project"], \
            w.pick(f"包工头{f['foreman']}某", f"{f['foreman']}老板", f"带班的{f['foreman']}某某"), w.money(f["amount"])
        tell = [f"我从{when}起在{full}承建的{pr}工地做{f['trade']}，干了{f['n']}个月，{co}至今拖欠我工资{amt}。",
                f"{when}开始我跟着{fm}在{pr}干{f['trade']}活，说好完工结账，到现在工钱{amt}一分没给。",
                f"其在{pr}务工，用工单位为{co}，被拖欠劳务费{amt}，{fm}一直推说上面没拨款。",
                f"{co}在{pr}欠我们农民工工资，我个人被欠{amt}，{when}进场干了{f['n']}个月，找{fm}好几次都没结。"]
        ask = [f"要求{co}尽快支付拖欠的工资。", "请帮忙把血汗钱要回来。", f"希望有关部门督促{co}结清工钱{amt}。",
               "诉求：责令用工单位足额支付劳动报酬。"]
    elif k == "seeds":
        shop = w.pick(f["shop"], f["shop"][:-3] + "农资", "镇上的" + f["shop"])
        owner = w.pick(f"店主{f['owner']}某", f"{f['owner']}老板")
        loss = w.money(f["loss"])
        tell = [f"{when}在{shop}买了{f['crop']}种子{f['bags']}袋，种了{f['mu']}亩，出苗率不到三成，{owner}说是天气原因不认账。",
                f"我家{f['mu']}亩{f['crop']}用的是{shop}卖的种子，种下去大半不发芽，估计减产损失{loss}。种子是{when}买的。",
                f"其{when}从{shop}购买的{f['crop']}种子质量有问题，{f['mu']}亩地几乎绝收，与店主协商未果。",
                f"去{shop}买的种子是假的，苗出不来，{f['mu']}亩{f['crop']}白种了，损失{loss}左右，找{owner}他不管。"]
        ask = [f"要求{shop}赔偿减产损失{loss}。", f"请求查处卖假种子的{shop}，赔偿我的损失。", "希望帮我讨个说法，让店家赔钱。"]
    elif k == "land":
        amt = w.money(f["amount"])
        tell = [f"{f['year']}年{f['project']}征用我组土地，我家被征{f['mu']}亩承包地，土地补偿费{amt}至今没有发到手。",
                f"我家的{f['mu']}亩责任田被{f['project']}占了，说好的征地款{amt}一直拖着不给，{when}签的协议。",
                f"{f['village']}{f['group']}因修{f['project']}被征地，其家{f['mu']}亩地的补偿款被村里扣着不发，村干部{f['cadre']}某说要等统一分配。",
                f"{f['project']}施工把我家地占了{f['mu']}亩，青苗费和安置补助费一共{amt}，到现在没兑现。"]
        ask = ["要求足额发放征地补偿款。", f"请求把我家{f['mu']}亩地的补偿款{amt}发到手。", "希望查清补偿款去向，依法发放。"]
    elif k == "demolition":
        off = w.money(f["offered"])
        tell = [f"{when}{f['project']}把我家{f['area']}平方米的房子拆了，评估价只给{off}，远低于市场价。",
                f"我家房屋在{f['project']}范围内，面积{f['area']}平米，征收部门只按{off}补偿，我不同意他们就强拆了，时间是{when}。",
                f"其位于{f['street']}的住房因{f['project']}被征收，补偿标准太低（{off}），过渡费也停发了。",
                f"{f['company']}在{when}夜里把我家{f['area']}平方米的楼房推倒了，协议都没签，只说给{off}。"]
        ask = ["要求重新评估，按市场价补偿。", "请求依法查处强拆行为，赔偿损失。", "希望提高补偿标准，尽快安排安置房。"]
    elif k == "property":
        pco = w.pick(f["pco"], f["pco"] + "公司", f["pco"] + "服务有限公司")
        if f["sub"] == "lift":
            tell = [f"我住{f['estate']}{f['building']}，小区电梯从{when}起就坏了，{pco}只收物业费不修。",
                    f"{pco}管理的{f['estate']}电梯长期停运，老人上下楼要爬{f['floor']}层，多次报修没人管。",
                    f"{f['estate']}{f['building']}电梯自{when}停用至今，物业称维修资金申请不下来。"]
            ask = ["要求物业尽快修好电梯。", "请求责成物业公司修复电梯，减免停运期间物业费。", "希望住建部门督促维修。"]
        else:
            tell = [f"{f['estate']}的停车费从每月{f['fee']}元涨到{f['fee2']}元，{pco}没开业主大会就涨价。",
                    f"{pco}{when}起把{f['estate']}地面车位费提到{f['fee2']}元一个月，业主都不同意。",
                    f"{f['estate']}业主反映物业擅自上调停车收费，原来{f['fee']}元现在要{f['fee2']}元。"]
            ask = ["要求恢复原来的停车收费标准。", "请求查处物业乱收费。", "希望价格部门核查停车费。"]
    elif k == "pollution":
        fac = f["factory"]
        sub = {"water": ("偷排污水", "河里的鱼都死了", "废水"), "noise": ("夜间生产噪音扰民", "全组人睡不着", "噪声"),
               "air": ("排放刺鼻废气", "好几个老人咳嗽住院", "异味")}[f["sub"]]
        tell = [f"我们{f['village']}旁边的{fac}{when}以来天天晚上{sub[0]}，{sub[1]}。",
                f"{fac}{sub[0]}，已经好几个月了，{sub[1]}，村民找过厂里没用。",
                f"{f['village']}附近{fac}存在{sub[2]}问题，{sub[1]}，环保来过一次就没下文。"]
        ask = ["要求环保部门查处，责令停产整改。", f"请求关停{fac}。", "希望尽快处理，还我们清净。"]
    elif k == "dibao":
        tell = [f"我家{f['year']}年被取消了低保，村委会说我家有车，其实那是我侄子的车。",
                f"原来每月{f['amount']}元的低保金从{when}起就停了，{f['family']}，全家没有收入。",
                f"其家庭{f['family']}，{f['year']}年低保复核时被村干部{f['cadre']}某取消，认为不公。"]
        ask = ["要求恢复我家的低保。", "请求重新评定低保资格。", f"希望查一查{f['cadre']}某是不是优亲厚友，把低保恢复。"]
    elif k == "insurance":
        co = w.pick(f["company"] + "公司", f["company_full"])
        tell = [f"我在{co}工作了{f['years']}年，公司一直没给我交社保，现在快退休了才发现。",
                f"{co}在我工作的{f['years']}年里未为我缴纳养老保险，影响退休，{when}我去社保局查的。",
                f"其原单位{co}拖欠其社会保险费，共计{w.money(f['amount'])}，多次找人事{f['hr']}某无果。"]
        ask = ["要求单位补缴社保。", f"请求责令{co}补缴欠缴的养老保险。", "希望帮我把社保补上，我好办退休。"]
    elif k == "housing":
        dev = w.pick(f["developer"], f["developer_full"], f["developer"] + "公司")
        amt = w.money(f["amount"])
        tell = [f"我在{dev}开发的{f['estate']}买了一套房，合同约定{when}交房，到现在还没交，工地早停工了。",
                f"{f['estate']}项目烂尾，{dev}收了我首付{amt}，说好{when}交付，房子至今没影。",
                f"{dev}开发的{f['estate']}{f['building']}逾期交房{f['n']}个月，开发商不赔违约金。"]
        ask = ["要求开发商按期交房并支付违约金。", "请求政府督促复工，尽快交房。", f"希望{dev}退还首付款{amt}。"]
    elif k == "prepaid":
        amt = w.money(f["amount"])
        tell = [f"我在{f['biz']}办了一张{amt}的会员卡，才用了{f['n']}次，{when}店就关门了，老板联系不上。",
                f"{when}{f['biz']}突然闭店跑路，我交的费用{amt}没退。",
                f"其在{f['biz']}充值{amt}，该店已停业，负责人{f['owner']}某电话关机。"]
        ask = ["要求老板退钱。", "请求查处跑路商家，退还预付费。", f"希望帮忙追回{amt}。"]
    elif k == "homestead":
        nb = w.pick(f"邻居{f['neighbour']}某", f"隔壁{f['neighbour']}某某家", f"同组的{f['neighbour']}某")
        tell = [f"{nb}{when}砌院墙占了我家宅基地{f['width']}米，村里调解了几次他都不听。",
                f"我和{nb}的地界纠纷一直没解决，他建房把路堵了，我家车进不去。",
                f"{nb}建房时越界占用其宅基地约{f['width']}米，并堵住通行道路。"]
        ask = ["要求拆除占地的院墙。", "请求村委会重新确认界址。", "希望帮忙恢复通行。"]
    else:  # injury
        co = w.pick(f["company"] + "公司", f["company_full"])
        amt = w.money(f["amount"])
        tell = [f"我{when}在{co}上班时受伤，{f['injury']}，花了医药费{amt}，公司只给了{w.money(f['paid'])}就不管了。",
                f"{when}我在{co}车间出事，{f['injury']}，住院{f['days']}天，老板不给报工伤。",
                f"其{when}在{co}务工期间受伤（{f['injury']}），单位拒不申报工伤认定，医疗费{amt}自付。"]
        ask = ["要求公司赔偿医药费和误工费。", "请求帮助认定工伤，依法赔偿。", f"希望{co}把医药费{amt}给报了。"]
    return tell, ask


class Writer:
    """One clerk or petitioner writing one text: their own choices, drawn independently of any other text."""

    def __init__(self, rng: random.Random, received: date):
        self.rng, self.received = rng, received

    def pick(self, *options):
        return self.rng.choice(options)

    def money(self, n: int) -> str:
        return money(self.rng, n)

    def when(self, f: dict) -> str:
        return month_text(self.rng, f["year"], f["month"], self.received)


CHANNELS = ("letter", "phone", "online", "visit")
OWN = ("我家里上有老下有小，全靠这点钱过日子。", "为这事我跑了不下十趟，实在没办法了。", "我身体不好，经不起这样拖。",
       "这事已经找过镇里，镇里让我们等。", "我们是老实本分的人，只想讨个公道。", "孩子马上要交学费了。", "")


def opening(rng: random.Random, channel: str, person: dict, variant: int | None = None) -> str:
    town, village, group, name = person["town"], person["village"], person["group"], person["name"]
    forms = {
        "letter": (f"尊敬的领导：我是{town}{village}{group}村民{name}，现反映一件事。",
                   f"尊敬的县信访局领导：您好！我叫{name}，家住{town}{village}{group}。",
                   f"各位领导：本人{name}，{town}{village}人。"),
        "phone": (f"来电人{name}反映：", f"{name}来电称：", f"群众{name}打12345热线反映，"),
        "online": (f"网民{name}留言：", f"网上信访：信访人{name}反映，", f"{name}在县长信箱留言称，"),
        "visit": (f"来访人{name}，住{town}{village}{group}，来访称：", f"{name}到县信访接待中心反映：", f"{name}等人来访，反映："),
    }[channel]
    return forms[variant % len(forms)] if variant is not None else rng.choice(forms)


CLOSINGS = {"letter": ("恳请领导为我做主，此致敬礼！", "万分感谢！", "望早日答复。"),
            "phone": ("来电人情绪激动，请尽快处理。", "已告知其受理程序。", ""),
            "online": ("盼回复。", "", "请有关部门核实。"), "visit": ("已告知其依法逐级反映。", "接待人员已做好解释。", "")}


def write_text(rng: random.Random, facts: dict, person: dict, received: date, *, channel: str,
               opening_variant: int | None = None, telling: int | None = None, give_ask: bool = True) -> str:
    """One text of a matter, written from its facts alone."""
    w = Writer(rng, received)
    tell, ask = tellings(facts, w)
    parts = [opening(rng, channel, person, opening_variant), tell[telling % len(tell)] if telling is not None
             else rng.choice(tell)]
    own = rng.choice(OWN)
    if own and rng.random() < 0.6:
        parts.append(own)
    if give_ask:
        parts.append(rng.choice(ask))
    parts.append(rng.choice(CLOSINGS[channel]))
    return "".join(parts)


def new_person(rng: random.Random, *, town: str | None = None, village: str | None = None) -> dict:
    town = town or rng.choice(list(TOWNS))
    village = village or rng.choice(TOWNS[town])
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
    return {"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "town": town, "village": village,
            "group": rng.choice(GROUPS), "id_number": f"500{rng.randrange(100, 999)}{birth:%Y%m%d}{rng.randrange(1000, 9999)}",
            "phone": f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}"}


def as_record(person: dict, text: str, received: date, facts: dict, *, channel: str, drop_id: bool = False,
              new_phone: bool = False, rng: random.Random | None = None) -> dict:
    """A text as the office registers it: the person's fields as the channel gives them."""
    phone = person["phone"]
    if new_phone and rng is not None:
        phone = f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}"
    return {"text": text, "name": person["name"], "id_number": "" if drop_id else person["id_number"], "phone": phone,
            "address": f"{person['town']}{person['village']}{person['group']}", "received": received.isoformat(),
            "channel": channel, "category": facts["kind"], "respondent": RESPONDENT[facts["kind"]],
            "locality": f"{person['town']}{person['village']}"}


def make_pairs(seed: int) -> list[dict]:
    rng = random.Random(seed)
    plan = ([("repeat_easy", "easy")] * 70 + [("repeat_hard", "hard")] * 100 + [("lookalike", "hard")] * 60
            + [("other_matter", "hard")] * 60 + [("joint", "hard")] * 40 + [("unrelated", "easy")] * 50)
    rng.shuffle(plan)
    pairs = []
    for number, (kind, difficulty) in enumerate(plan, start=1):
        received_b = date(2026, 11, 22) - timedelta(days=rng.randrange(240, 640))
        received_a = received_b + timedelta(days=rng.randrange(7, 240))
        person = new_person(rng)
        matter_kind = rng.choice(COLLECTIVE if kind == "joint" else KINDS)
        facts_b = new_facts(rng, matter_kind, received_b, person["village"])
        channel_b = rng.choice(CHANNELS)
        opening_b = rng.randrange(3)
        b_text = write_text(rng, facts_b, person, received_b, channel=channel_b, opening_variant=opening_b)
        b = as_record(person, b_text, received_b, facts_b, channel=channel_b, drop_id=channel_b in ("phone", "online"))
        if kind == "repeat_easy":
            a_text = write_text(rng, facts_b, person, received_a, channel=channel_b, opening_variant=opening_b)
            a = as_record(person, a_text, received_a, facts_b, channel=channel_b, drop_id=channel_b in ("phone", "online"))
            repeat, same_matter = True, True
        elif kind == "repeat_hard":
            channel_a = rng.choice([c for c in CHANNELS if c != channel_b])
            a_text = write_text(rng, facts_b, person, received_a, channel=channel_a, give_ask=rng.random() < 0.7)
            a = as_record(person, a_text, received_a, facts_b, channel=channel_a, drop_id=channel_a in ("phone", "online"),
                          new_phone=channel_a == "letter" and rng.random() < 0.3, rng=rng)
            repeat, same_matter = True, True
        elif kind == "lookalike":
            other = new_person(rng, town=person["town"], village=person["village"])
            facts_a = other_facts(rng, matter_kind, received_a, person["village"], facts_b)
            a_text = write_text(rng, facts_a, other, received_a, channel=channel_b, opening_variant=opening_b)
            a = as_record(other, a_text, received_a, facts_a, channel=channel_b, drop_id=channel_b in ("phone", "online"))
            repeat, same_matter = False, False
        elif kind == "other_matter":
            other_kind = matter_kind if rng.random() < 0.3 else rng.choice([k for k in KINDS if k != matter_kind])
            facts_a = other_facts(rng, other_kind, received_a, person["village"], facts_b)
            channel_a = rng.choice(CHANNELS)
            a_text = write_text(rng, facts_a, person, received_a, channel=channel_a)
            a = as_record(person, a_text, received_a, facts_a, channel=channel_a, drop_id=channel_a in ("phone", "online"))
            repeat, same_matter = False, False
        elif kind == "joint":
            other = new_person(rng, town=person["town"], village=person["village"])
            facts_a = dict(facts_b)
            for key in ("amount", "loss", "mu", "area", "offered", "n", "bags", "width", "years", "paid"):
                if key in facts_a and isinstance(facts_a[key], int):
                    facts_a[key] = max(1, int(facts_a[key] * rng.uniform(0.5, 1.6)) // 1000 * 1000 or facts_a[key])
            channel_a = rng.choice(CHANNELS)
            a_text = write_text(rng, facts_a, other, received_a, channel=channel_a)
            a = as_record(other, a_text, received_a, facts_a, channel=channel_a, drop_id=channel_a in ("phone", "online"))
            repeat, same_matter = False, True
        else:
            town = rng.choice([t for t in TOWNS if t != person["town"]])
            other = new_person(rng, town=town)
            facts_a = new_facts(rng, rng.choice([k for k in KINDS if k != matter_kind]), received_a, other["village"])
            channel_a = rng.choice(CHANNELS)
            a_text = write_text(rng, facts_a, other, received_a, channel=channel_a)
            a = as_record(other, a_text, received_a, facts_a, channel=channel_a, drop_id=channel_a in ("phone", "online"))
            repeat, same_matter = False, False
        pairs.append({"id": f"p{number:03d}", "kind": kind, "difficulty": difficulty, "repeat": repeat,
                      "same_matter": same_matter, "a": a, "b": b})
    # The split, once: every other pair of each kind to dev, the rest to test (fixed by the seed, recorded here).
    seen: dict[str, int] = {}
    for pair in pairs:
        seen[pair["kind"]] = seen.get(pair["kind"], 0) + 1
        pair["split"] = "dev" if seen[pair["kind"]] % 2 else "test"
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    pairs = make_pairs(args.seed)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        for pair in pairs:
            out.write(json.dumps(pair, ensure_ascii=False) + "\n")
    print(f"{len(pairs)} pairs → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
