"""What generated petitions say: templates per second-level category (问题分类), and how often each occurs.

Templates are keyed by the second-level category's name (the shipped categories.json), so reordering
codes does not break them; a category without templates falls back to a generic one.
Slots such as {place} or {amount} are filled by the generator (see `generator.SLOT_FILLERS`).
"""

from dataclasses import dataclass

from xinfang.petitions.models import PetitionType


@dataclass(frozen=True)
class Template:
    summary: str
    content: str
    demands: str
    hot_topics: tuple[str, ...] = ()
    # Range of the amount involved, in yuan; also fills {amount}.
    amount: tuple[int, int] | None = None
    petition_type: str = PetitionType.GRIEVANCE
    # Who is complained about: a department slug of district.DEPARTMENTS, "township" (the locality's
    # township) or "department" (any department); None: no one in particular.
    complained: str | None = None
    # Matters that bring groups to the reception hall (wages, expropriation, undelivered flats …).
    group_prone: bool = False
    litigation: float = 0.02  # probability that the matter is 涉法涉诉
    firm: float = 0.0  # probability that the petitioner is an enterprise, not a person


def t(summary: str, content: str, demands: str, **options) -> Template:
    return Template(summary=summary, content=content, demands=demands, **options)


ACCUSATION = PetitionType.ACCUSATION
SUGGESTION = PetitionType.SUGGESTION

TEMPLATES: dict[str, tuple[Template, ...]] = {
    # 城乡建设
    "房屋征收拆迁": (
        t("反映{place}房屋征收补偿标准过低",
          "本人房屋位于{place}，{year}年因{project}建设被列入征收范围。征收部门给出的补偿按每平方米{unit_price}元计算，"
          "明显低于周边同类房屋的市场价格，评估过程也没有让被征收人参与选择评估机构。",
          "请求重新评估，按市场价格给予合理补偿。",
          hot_topics=("land_expropriation",), amount=(80_000, 1_200_000), complained="township",
          group_prone=True, litigation=0.08),
        t("反映{project}拆迁安置房超期未交付",
          "{year}年我们与征收部门签订了拆迁安置协议，约定过渡期24个月，现已超期{months}个月，安置房仍未交付，"
          "过渡费也从去年起停发，一家老小只能在外租房居住。",
          "请求尽快交付安置房并补发过渡费。",
          hot_topics=("land_expropriation",), amount=(6_000, 60_000), complained="zhujian", group_prone=True),
    ),
    "住房保障": (
        t("申请公租房多次未获批准",
          "本人家庭人均收入符合公租房申请条件，于{date}向{township}提交申请材料，至今已{months}个月没有答复，"
          "多次询问都说还在审核中。",
          "请求说明审核进度，依规予以配租。", complained="zhujian"),
        t("反映{estate}保障房质量问题",
          "我家分到的{estate}保障性住房入住不到两年，墙面开裂、卫生间渗水严重，向物业和施工单位反映多次未得到维修。",
          "请求督促责任单位尽快维修。", hot_topics=("real_estate",), complained="zhujian"),
    ),
    "物业管理": (
        t("反映{estate}物业服务差、乱收费",
          "{estate}物业公司近年来服务质量明显下降，电梯经常故障停运，垃圾清运不及时，却在未经业主大会同意的情况下"
          "将物业费从每平方米1.2元上调到1.8元。",
          "请求查处物业公司乱收费行为，督促其改进服务。",
          hot_topics=("property_management", "real_estate"), complained="zhujian"),
        t("反映{estate}专项维修资金使用不公开",
          "小区外墙脱落、屋顶漏水，物业称需要动用专项维修资金，但资金使用情况从未公示，业主无法查询账目。",
          "请求公开维修资金使用明细并依法监督。",
          hot_topics=("property_management", "real_estate"), complained="zhujian"),
    ),
    "房地产开发经营": (
        t("反映{estate}开发商逾期交房",
          "本人于{year}年购买{company}开发的{estate}商品房一套，合同约定当年12月交房，现已逾期{months}个月，"
          "项目处于停工状态，开发商以资金困难为由一再拖延，我们每月还要按时偿还银行贷款。",
          "请求督促开发商复工并按期交房，依合同支付逾期违约金。",
          hot_topics=("real_estate", "late_delivery"), amount=(200_000, 900_000), complained="zhujian",
          group_prone=True, litigation=0.05),
        t("反映{estate}业主多年无法办理不动产权证",
          "{estate}业主入住已{years}年，因开发商未缴清土地出让金，至今无法办理不动产权证，孩子上学、房屋买卖都受影响。",
          "请求协调解决小区业主办证问题。",
          hot_topics=("real_estate", "title_certificate"), complained="guizi", group_prone=True),
    ),
    "城市管理": (
        t("反映{road}夜市油烟噪音扰民",
          "{road}沿街夜市每天经营到凌晨两三点，烧烤油烟直接飘进住户家中，噪音影响居民休息，"
          "向城管反映后只管了几天又恢复原样。",
          "请求依法规范夜市经营，还居民安宁。", complained="chengguan"),
        t("反映{estate}违章搭建占用公共绿地",
          "{estate}一楼住户私自扩建院坝并搭建彩钢棚，占用公共绿地，影响其他住户通行和采光。",
          "请求城管部门依法拆除违章建筑。", complained="chengguan"),
    ),
    "市政建设": (
        t("反映{road}路面破损积水",
          "{road}多处路面塌陷、破损，下雨天积水严重，已经发生多起电动车摔倒事故。",
          "请求尽快修复路面、疏通排水管网。", complained="zhujian"),
        t("反映{place}路灯长期不亮",
          "{place}主干道的路灯已损坏{months}个月，晚上一片漆黑，老人和学生出行很不安全。",
          "请求尽快维修路灯。", complained="chengguan"),
    ),
    "建筑市场": (
        t("反映{company}拖欠工程款",
          "我公司承接{project}的分包工程，工程已于{year}年竣工验收，但总包方{company}至今拖欠工程款{amount}，"
          "导致我方无法按时支付工人工资和材料款。",
          "请求督促总包方按合同支付工程款。",
          hot_topics=("payment_arrears",), amount=(300_000, 5_000_000), complained="zhujian", firm=0.7,
          litigation=0.1),
        t("反映{project}夜间施工扰民",
          "{project}工地夜间施工到深夜，打桩声和运输车辆噪音很大，工地扬尘也没有覆盖。",
          "请求依法限制夜间施工并落实扬尘治理措施。", complained="zhujian"),
    ),
    # 国土资源水利林业
    "土地征收征用": (
        t("反映{village}征地补偿款未足额发放",
          "{year}年{village}部分土地被征收用于{project}建设，村民应得的土地补偿费和安置补助费至今仍有部分未发放，"
          "村里也没有公开补偿款分配方案。",
          "请求公开补偿款发放情况并足额发放。",
          hot_topics=("land_expropriation",), amount=(20_000, 300_000), complained="township", group_prone=True),
        t("举报有单位未经批准占用{village}耕地",
          "有单位在{village}以临时用地名义占用耕地约{mu}亩，已经开始硬化浇筑，村民询问时对方拿不出用地审批手续。",
          "请求查处违法占地行为，恢复耕地。",
          hot_topics=("land_expropriation",), petition_type=ACCUSATION, complained="guizi"),
    ),
    "土地权属纠纷": (
        t("反映与邻居宅基地界址纠纷",
          "本人与同组村民因宅基地界址发生纠纷，对方建房时占用我家宅基地约{sqm}平方米，经村组多次调解未果。",
          "请求依法确认宅基地使用权界址。", complained="township", litigation=0.25),
        t("反映{village}承包地确权面积登记有误",
          "在农村土地确权登记中，我家承包地面积登记少了{mu}亩，向村里反映后一直没有更正。",
          "请求核实并更正确权登记面积。", complained="nongye"),
    ),
    "矿产资源": (
        t("举报{village}附近非法采砂采石",
          "{village}附近河道有人长期在夜间非法采砂，大型货车来回碾压村道，河堤也被挖垮了一段。",
          "请求依法查处非法采砂行为并修复河堤。", petition_type=ACCUSATION, complained="guizi"),
    ),
    "水利工程": (
        t("反映{village}灌溉渠道年久失修",
          "{village}的灌溉主渠道多处垮塌，今年春耕时节无法正常引水，影响上百亩水田耕种。",
          "请求安排资金维修灌溉渠道。", complained="nongye"),
        t("反映{river}堤防存在安全隐患",
          "{river}流经{place}的一段河堤出现裂缝和渗漏，汛期临近，沿河住户担心发生险情。",
          "请求尽快组织排查并加固堤防。", complained="township"),
    ),
    "林业林权": (
        t("反映承包林地被他人侵占",
          "本人依法承包的{mu}亩林地被同村人砍伐林木并改种果树，村委会调解无果。",
          "请求依法确认林地承包经营权并赔偿损失。",
          amount=(5_000, 80_000), complained="guizi", litigation=0.2),
    ),
    # 劳动社保
    "欠薪讨薪": (
        t("反映{company}拖欠农民工工资",
          "我们{count}人在{company}承建的{project}工地务工，工程完工后公司以甲方未付款为由拖欠工资共计{amount}，"
          "已经拖了{months}个月，多次讨要未果。",
          "请求督促公司尽快支付拖欠的工资。",
          hot_topics=("wage_arrears",), amount=(5_000, 120_000), complained="renshe", group_prone=True),
        t("反映{company}拖欠工资{months}个月",
          "本人在{company}上班，公司自{date}起以经营困难为由停发工资，至今拖欠本人工资{amount}，"
          "公司负责人的电话已经打不通。",
          "请求依法追讨拖欠的工资。",
          hot_topics=("wage_arrears",), amount=(3_000, 60_000), complained="renshe", litigation=0.05),
        t("反映{company}拖欠货款导致无法发放工资",
          "我公司为{project}供应建材，{company}拖欠货款{amount}，已超过合同约定付款期限{months}个月，"
          "我公司资金周转困难，员工工资也无法按时发放。",
          "请求协调督促对方支付欠款。",
          hot_topics=("payment_arrears", "wage_arrears"), amount=(100_000, 3_000_000), firm=0.9,
          litigation=0.1),
    ),
    "社会保险": (
        t("反映单位未依法缴纳社会保险",
          "本人在{company}工作了{years}年，公司一直没有给本人缴纳养老保险和医疗保险，现在到了退休年龄却办不了退休手续。",
          "请求责令单位补缴社会保险费。", complained="renshe"),
        t("反映养老保险视同缴费年限未被认定",
          "本人{year}年以前曾在原乡镇企业工作多年，办理退休时这段工龄未被认定为视同缴费年限，养老金因此偏低。",
          "请求复核视同缴费年限认定。", complained="renshe"),
    ),
    "劳动关系": (
        t("反映{company}违法解除劳动合同",
          "{company}以业务调整为由，没有提前通知，也没有支付经济补偿，单方面解除了与本人的劳动合同。本人已在公司工作{years}年。",
          "请求依法支付经济补偿金。",
          amount=(10_000, 150_000), complained="renshe", litigation=0.15),
        t("反映{company}大规模裁员未依法补偿",
          "{company}近期以停产为由一次性辞退员工{count}余人，事先没有向职工说明情况，也未按规定支付经济补偿。",
          "请求督促企业依法裁员，足额支付经济补偿。",
          hot_topics=("mass_layoff",), amount=(200_000, 3_000_000), complained="renshe", group_prone=True),
    ),
    "工伤": (
        t("反映工伤待遇迟迟未落实",
          "本人在{company}工作时受伤，已被认定为工伤并评定为九级伤残，但公司至今未支付一次性伤残补助金等工伤待遇。",
          "请求督促公司支付工伤待遇。", amount=(30_000, 300_000), complained="renshe", litigation=0.2),
        t("反映工地受伤后用人单位拒不申报工伤",
          "本人在{project}工地作业时从脚手架上摔伤，住院治疗{months}个月，{company}拒绝为本人申报工伤，医疗费也不报销。",
          "请求协助认定工伤并落实相关待遇。", amount=(20_000, 200_000), complained="renshe"),
    ),
    "就业创业": (
        t("反映创业担保贷款申请未获受理",
          "本人返乡创业开办{shop}，按政策申请创业担保贷款，材料齐全，但{months}个月来一直没有受理。",
          "请求说明原因并依规办理。", complained="renshe"),
        t("反映公益性岗位人员待遇偏低",
          "本人在{township}从事公益性岗位工作，每月补贴低于当地最低工资标准，还经常被安排额外工作。",
          "请求按政策落实公益性岗位待遇。", complained="renshe"),
    ),
    # 农村农业
    "土地承包流转": (
        t("反映土地流转费长期未支付",
          "{village}{count}户村民的承包地于{year}年流转给{company}经营，合同约定每年支付流转费，但公司已连续{years}年未付，"
          "土地也荒着无人耕种。",
          "请求督促公司支付土地流转费，或解除合同返还土地。",
          hot_topics=("land_transfer",), amount=(20_000, 400_000), complained="township", group_prone=True,
          litigation=0.08),
        t("反映村委会擅自流转村民承包地",
          "{village}村委会未经承包户同意，将我组部分承包地流转给外来老板搞养殖，流转收益如何分配也没有公开。",
          "请求纠正违规流转行为。", hot_topics=("land_transfer",), complained="township"),
    ),
    "农村集体资产": (
        t("反映{village}集体资产收益去向不明",
          "{village}集体所有的门面和鱼塘多年对外出租，租金收入去向不明，村务公开栏从未公布相关账目。",
          "请求审计村集体资产收益并公开账目。", petition_type=ACCUSATION, complained="township"),
    ),
    "惠农补贴": (
        t("反映耕地地力保护补贴未发放到户",
          "本人承包耕地{mu}亩，{year}年度的耕地地力保护补贴至今没有发放到本人的惠民惠农“一卡通”账户，村里说名单有误。",
          "请求核实并补发补贴。", amount=(300, 3_000), complained="nongye"),
        t("举报{village}补贴发放优亲厚友",
          "{village}部分村干部亲属家庭条件较好却享受各类补贴，真正困难的群众反而评不上。",
          "请求调查核实并公开评审过程。", petition_type=ACCUSATION, complained="township"),
    ),
    "农村基础设施": (
        t("反映{village}村道损毁无人维修",
          "{village}的通组公路去年被暴雨冲毁，至今没有修复，村民出行和农产品运输十分困难。",
          "请求尽快修复村道。", complained="jiaotong"),
        t("反映{village}饮水安全问题",
          "{village}部分农户的饮用水一到夏天就浑浊发黄，集中供水工程建成后还经常停水。",
          "请求解决农村饮水安全问题。", complained="nongye"),
    ),
    # 政法
    "治安管理": (
        t("举报{place}有人聚众赌博",
          "{place}一处民房长期有人聚众赌博，进出人员复杂，晚上吵闹，影响周围住户休息。",
          "请求公安机关依法查处。", petition_type=ACCUSATION, complained="gongan"),
        t("反映被殴打后处理不公",
          "本人因琐事与邻居发生争执被对方殴打致伤，派出所只对双方进行了调解，对方至今未赔偿医药费。",
          "请求依法处理打人者并赔偿损失。", amount=(2_000, 30_000), complained="gongan", litigation=0.2),
    ),
    "诉讼执行": (
        t("反映民事判决长期得不到执行",
          "本人与他人民间借贷纠纷一案经清溪区人民法院判决胜诉，判决生效已{years}年，被执行人有房有车却拒不履行，"
          "执行进展缓慢。",
          "请求加大执行力度，尽快执行到位。", amount=(30_000, 800_000), complained="fayuan", litigation=0.95),
        t("不服法院判决要求再审",
          "本人对清溪区人民法院作出的房屋买卖合同纠纷判决不服，认为认定事实错误，多次向法院反映未果。",
          "请求重新审理此案。", complained="fayuan", litigation=1.0),
    ),
    "司法行政": (
        t("反映法律援助申请未获批准",
          "本人因工伤赔偿纠纷向区法律援助中心申请法律援助，被告知不符合条件，但本人家庭经济确实困难。",
          "请求复核法律援助申请。", complained="sifa"),
        t("反映人民调解协议未履行",
          "本人与{company}的纠纷经{township}人民调解委员会调解达成协议，对方至今未按协议履行赔偿义务。",
          "请求督促对方履行调解协议。", amount=(5_000, 100_000), complained="sifa", litigation=0.3),
    ),
    "公安执法": (
        t("反映交通事故责任认定不公",
          "本人骑电动车在{road}与一辆小轿车相撞受伤，交警的事故认定书认定本人负主要责任，本人认为事实认定不清。",
          "请求重新调查事故经过，公正认定责任。", complained="gongan", litigation=0.4),
        t("反映报警后迟迟没有进展",
          "本人家中被盗后及时报警，派出所出警登记后再无下文，{months}个月来多次询问均无进展。",
          "请求督促公安机关依法侦查。", complained="gongan"),
    ),
    # 纪检监察
    "违反廉洁纪律": (
        t("举报{township}干部在工程项目中收受好处",
          "{township}某干部在{project}招投标过程中与施工方关系密切，据群众反映其收受施工方财物，工程质量也存在问题。",
          "请求纪检监察机关调查核实。", petition_type=ACCUSATION, complained="township"),
        t("举报{village}村干部优亲厚友",
          "{village}村干部在危房改造、低保评定中优亲厚友，其亲属不符合条件也享受了补助。",
          "请求调查处理。", petition_type=ACCUSATION, complained="township"),
    ),
    "违反工作纪律": (
        t("反映{dept}工作人员推诿扯皮",
          "本人到{dept}办理业务，工作人员态度冷淡、互相推诿，前后跑了{times}次仍未办成。",
          "请求整改作风问题。", petition_type=ACCUSATION, complained="department"),
        t("举报{township}个别干部工作时间打牌",
          "有群众多次看到{township}个别工作人员在工作日上午到茶馆打牌，办事群众找不到人。",
          "请求查处。", petition_type=ACCUSATION, complained="township"),
    ),
    "失职渎职": (
        t("举报{dept}监管失职",
          "{company}长期违规经营，群众多次向{dept}举报，监管部门一直没有依法查处，问题越来越严重。",
          "请求追究相关人员的失职责任。", petition_type=ACCUSATION, complained="department"),
    ),
    # 组织人事
    "干部作风": (
        t("反映{dept}窗口服务态度差",
          "本人到{dept}窗口咨询{service}事宜，工作人员玩手机、不耐烦，一次性告知不到位，让本人多跑了{times}趟。",
          "请求加强窗口作风建设。", complained="department"),
    ),
    "人事管理": (
        t("反映事业单位招聘成绩未公示",
          "{township}{year}年事业单位公开招聘中，面试成绩没有按规定公示，有考生质疑存在暗箱操作。",
          "请求公开招聘成绩并复核。", complained="township"),
    ),
    "退休待遇": (
        t("反映退休待遇未按政策调整",
          "本人是原{township}供销社的退休职工，近年养老金调整没有按政策落实到位，与同类人员相比待遇偏低。",
          "请求按政策落实退休待遇。", complained="renshe", group_prone=True),
        t("反映原民办教师待遇问题",
          "本人{year}年以前在{village}小学任民办教师{years}年，后被辞退，至今未享受原民办教师生活补助。",
          "请求按政策落实原民办教师待遇。", complained="jiaowei", group_prone=True),
    ),
    # 民政
    "社会救助": (
        t("申请最低生活保障未获批准",
          "本人丈夫去年因病去世，本人患有慢性病无法工作，还要抚养一个上学的孩子，向{township}申请低保被告知不符合条件。",
          "请求重新审核低保申请。", complained="minzheng"),
        t("反映临时救助申请没有回音",
          "本人家中突发火灾，房屋和财物损毁严重，已向{township}申请临时救助，{months}个月没有回音。",
          "请求给予临时救助。", complained="minzheng"),
    ),
    "养老服务": (
        t("反映{township}敬老院服务质量差",
          "本人父亲在{township}敬老院居住，伙食差、护理人员少，老人生病不能及时送医。",
          "请求加强养老机构监管。", complained="minzheng"),
        t("反映养老机构预收费用后停业",
          "本人在{company}开办的养老公寓预交了{amount}的会员费和押金，现在该机构停业，负责人联系不上。",
          "请求追回预交费用。", hot_topics=("illegal_fundraising",), amount=(20_000, 200_000),
          complained="minzheng", group_prone=True),
    ),
    "优抚安置": (
        t("反映退役军人优抚待遇未落实",
          "本人是{year}年退役的义务兵，服役期间参加过抢险救灾任务，按政策应享受的优待和医疗保障至今没有落实。",
          "请求落实退役军人优抚政策。", hot_topics=("military_related",), complained="tuiyi",
          group_prone=True),
        t("反映退役士兵安置遗留问题",
          "本人退役后由政府安排到{company}工作，企业改制时被买断工龄，目前生活困难。",
          "请求按政策解决安置遗留问题。", hot_topics=("military_related",), complained="tuiyi",
          group_prone=True),
    ),
    "婚姻殡葬": (
        t("反映公墓收费过高",
          "{township}公墓的墓地价格逐年上涨，还捆绑收取各种管理费，普通群众难以承受。",
          "请求规范公墓收费。", complained="minzheng"),
        t("反映婚姻登记信息录入错误",
          "本人办理婚姻登记时，登记机关将配偶姓名录入错误，导致后续办理房产、户口等事项受阻。",
          "请求更正婚姻登记信息。", complained="minzheng"),
    ),
    # 教育
    "招生入学": (
        t("反映孩子就近入学被拒",
          "本人户籍和房产都在{estate}，按划片规定孩子应就读{school}，但学校以学位已满为由拒绝接收，要求到较远的学校就读。",
          "请求按划片政策安排就近入学。", complained="jiaowei"),
        t("反映随迁子女入学难",
          "本人夫妻在清溪区务工多年，已办理居住证，孩子今年上初一，申请公办学校被告知名额已满。",
          "请求解决随迁子女入学问题。", complained="jiaowei"),
    ),
    "教育收费": (
        t("反映{school}违规收取费用",
          "{school}以资料费、课后服务费等名义向学生收费，每学期每人{fee}元，没有收费公示。",
          "请求查处学校乱收费并退还费用。", amount=(200, 2_000), complained="jiaowei"),
    ),
    "校外培训": (
        t("反映培训机构收费后关门",
          "本人为孩子在{company}预交了一年培训费{amount}，现在机构突然关门，老板联系不上，涉及家长{count}余名。",
          "请求追回预付的培训费。", hot_topics=("education_training",), amount=(5_000, 40_000),
          complained="jiaowei", group_prone=True),
        t("举报{estate}内违规开办学科类培训",
          "{estate}内有人租用住宅开办学科类培训班，周末和寒暑假学生很多，存在消防安全隐患。",
          "请求依法查处违规培训。", hot_topics=("education_training",), petition_type=ACCUSATION,
          complained="jiaowei"),
    ),
    "教师待遇": (
        t("反映乡村教师生活补助未发放",
          "本人在{township}中心小学任教，按规定应享受的乡村教师生活补助已{months}个月没有发放。",
          "请求按时足额发放乡村教师生活补助。", amount=(2_000, 20_000), complained="jiaowei"),
    ),
    # 卫生计生
    "医疗纠纷": (
        t("反映{hospital}手术后处置不当",
          "本人母亲在{hospital}做手术后出现严重并发症，医院术前没有充分告知风险，术后处置不当，目前仍在重症监护室。",
          "请求调查医疗过错并依法赔偿。", amount=(50_000, 600_000), complained="weijian", litigation=0.3),
        t("反映{hospital}过度检查",
          "本人在{hospital}就诊时，医生开具了大量与病情无关的检查，一次门诊花费{amount}。",
          "请求核查并退还不合理费用。", amount=(800, 8_000), complained="weijian"),
    ),
    "医疗保障": (
        t("反映异地就医费用报销难",
          "本人在外地住院花费{amount}，回来报销时被告知没有办理异地就医备案，只能按较低比例报销。",
          "请求按政策报销医疗费用。", amount=(5_000, 120_000), complained="weijian"),
        t("反映大病保险报销比例偏低",
          "本人患尿毒症需要长期透析，每年自付费用仍达{amount}，家庭难以承受。",
          "请求落实大病保险和医疗救助政策。", amount=(20_000, 150_000), complained="weijian"),
    ),
    "公共卫生": (
        t("反映{road}餐馆卫生状况差",
          "{road}一家餐馆后厨卫生脏乱，老鼠蟑螂较多，有顾客就餐后出现腹泻。",
          "请求加强食品卫生监督检查。", complained="shichang"),
        t("反映{township}卫生院缺医少药",
          "{township}卫生院医生少、药品不全，群众看个常见病也要跑到城区医院。",
          "请求加强基层医疗服务能力。", complained="weijian"),
    ),
    "计划生育遗留问题": (
        t("申请计划生育特别扶助金",
          "本人是独生子女死亡家庭，已年满49周岁，申请计划生育特别扶助金至今没有获批。",
          "请求按政策落实特别扶助。", complained="weijian"),
        t("反映独生子女父母奖励未兑现",
          "本人原为{company}职工，持有独生子女父母光荣证，退休时独生子女父母奖励没有兑现。",
          "请求兑现奖励。", amount=(1_000, 5_000), complained="weijian"),
    ),
    # 经济综合
    "企业改制": (
        t("反映原企业改制职工安置遗留问题",
          "原{company}于{year}年改制，部分职工的经济补偿和社保接续问题至今没有解决，我们多次找原企业和主管部门均无结果。",
          "请求妥善解决改制遗留问题。", amount=(20_000, 200_000), complained="renshe", group_prone=True),
    ),
    "集资融资": (
        t("反映{company}非法吸收公众存款",
          "{company}以高额利息为诱饵向社会公众吸收资金，本人投入{amount}，现在公司无法兑付本息，负责人去向不明。",
          "请求公安机关立案侦查，追回集资款。", hot_topics=("illegal_fundraising",),
          amount=(20_000, 800_000), complained="gongan", group_prone=True, litigation=0.3),
        t("反映{company}以养老项目为名集资",
          "{company}以投资养老项目为名，承诺年息15%，在{township}发展了大量老年客户，现已停止兑付。",
          "请求依法查处并追回资金。", hot_topics=("illegal_fundraising",), amount=(10_000, 300_000),
          complained="shichang", group_prone=True),
    ),
    "市场监管": (
        t("反映{shop}销售过期食品",
          "本人在{road}的{shop}购买的食品已过保质期，与商家交涉被拒绝退换。",
          "请求依法查处并赔偿。", amount=(50, 1_000), complained="shichang"),
        t("反映{company}虚假宣传推销保健品",
          "{company}在推销保健品时夸大功效，诱导老年人高价购买，本人父亲先后花费{amount}。",
          "请求查处虚假宣传并退款。", amount=(2_000, 50_000), complained="shichang"),
    ),
    "税费": (
        t("举报{company}虚开发票偷逃税款",
          "{company}长期通过虚开发票、账外经营等方式偷逃税款，本人曾在该公司财务部门工作，了解相关情况。",
          "请求税务机关依法查处。", petition_type=ACCUSATION, complained="shichang"),
        t("反映涉企收费项目过多",
          "我公司在办理项目手续时被要求缴纳多项费用，其中部分收费项目没有明确依据。",
          "请求清理规范涉企收费。", complained="shichang", firm=1.0),
    ),
    # 政治综合
    "政务服务": (
        t("反映{service}办理超时",
          "本人到区政务服务中心办理{service}，材料提交后超过承诺时限{days}个工作日仍未办结。",
          "请求尽快办理并改进服务。", complained="department"),
    ),
    "村务公开": (
        t("反映{village}村务不公开",
          "{village}近三年的财务收支、项目建设情况均未按规定公开，村民要求查看账目被拒绝。",
          "请求督促村委会依法公开村务。", complained="township", group_prone=True),
    ),
    "基层选举": (
        t("反映{village}村委会换届选举违规",
          "{village}在村委会换届选举中存在代写选票、拉票贿选现象，部分村民没有收到选民证。",
          "请求调查并依法处理。", petition_type=ACCUSATION, complained="township", group_prone=True),
    ),
    # 交通能源环保
    "环境污染": (
        t("反映{company}夜间排放废气",
          "{place}附近的{company}每天晚上排放刺鼻废气，附近居民不敢开窗，不少老人小孩出现咳嗽症状。",
          "请求依法查处企业违法排污。", hot_topics=("environmental_pollution",), complained="shengtai",
          group_prone=True),
        t("反映{river}水体发黑发臭",
          "{river}{place}段河水发黑发臭，怀疑上游有企业和养殖场偷排污水。",
          "请求查明污染源并治理。", hot_topics=("environmental_pollution",), complained="shengtai"),
    ),
    "交通运输": (
        t("反映{township}至城区公交班次太少",
          "{township}至城区的公交车每天只有几个班次，末班车时间太早，群众出行很不方便。",
          "请求增加班次、延长运营时间。", complained="jiaotong"),
        t("反映{road}货车超载超速",
          "{road}每天有大量渣土车超载超速行驶，沿途撒漏严重，附近学生上下学很危险。",
          "请求加强路面执法管理。", complained="jiaotong"),
    ),
    "出租汽车": (
        t("反映出租车司机绕路多收费",
          "本人{date}在{road}乘坐出租车，司机故意绕路多收费，投诉后一直没有下文。",
          "请求查处并退还多收费用。", hot_topics=("taxi",), complained="jiaotong"),
        t("出租车驾驶员反映承包费过高",
          "我们是{company}的出租车驾驶员，公司收取的承包费过高，加上网约车冲击，收入大幅下降。",
          "请求合理调整承包费标准。", hot_topics=("taxi",), complained="jiaotong", group_prone=True),
    ),
    "能源供应": (
        t("反映{place}频繁停电",
          "{place}近{months}个月经常无故停电，有时一停就是大半天，冰箱里的东西都坏了。",
          "请求供电部门排查线路，保障供电。"),
        t("反映{estate}天然气开户费过高",
          "{estate}天然气开户费收取{fee}元，远高于周边小区。",
          "请求核查收费依据。", complained="shichang"),
    ),
    # 商贸旅游
    "消费维权": (
        t("反映{shop}预付卡无法退费",
          "本人在{shop}办理了{amount}的会员卡，现在店铺突然关门，剩余金额无法退还。",
          "请求督促商家退还预付款。", amount=(500, 20_000), complained="shichang"),
        t("反映购买的家电存在质量问题",
          "本人在{road}一家电器商场购买的空调使用不到半年就不制冷，商家和厂家互相推诿，拒绝更换。",
          "请求依法维护消费者权益。", amount=(2_000, 12_000), complained="shichang"),
    ),
    "旅游服务": (
        t("反映旅行社强制购物",
          "本人参加{company}组织的旅游团，行程中被导游强制带到购物店消费。",
          "请求查处旅行社违规行为。", complained="shichang"),
    ),
    "商贸流通": (
        t("反映{place}农贸市场摊位费上涨",
          "{place}农贸市场管理方将摊位费上调近一倍，商户经营困难。",
          "请求规范市场收费。", complained="shichang", group_prone=True),
    ),
    # 宣传舆论
    "新闻出版": (
        t("举报{road}书报亭销售非法出版物",
          "{road}一处书报亭公开销售非法出版物，内容低俗，有中小学生购买。",
          "请求依法查处。", petition_type=ACCUSATION, complained="chengguan"),
    ),
    "网络信息": (
        t("反映有人在网上散布本人隐私",
          "有人在网络群组中散布本人的住址、电话等个人信息并进行侮辱，严重影响本人生活。",
          "请求依法处理。", complained="gongan", litigation=0.2),
    ),
    # 信息产业
    "通信服务": (
        t("反映{village}手机信号差",
          "{village}地处山区，手机信号很弱，很多地方打不了电话，老人出了事也无法及时联系。",
          "请求协调增设通信基站。"),
    ),
    "网络服务": (
        t("反映宽带业务捆绑收费",
          "本人办理宽带业务时被捆绑收取费用，要求销户时又被收取违约金。",
          "请求查处违规收费行为。", complained="shichang"),
    ),
    # 科技文体
    "科技管理": (
        t("反映科技项目补助资金未兑现",
          "我公司{year}年获批区级科技项目，按文件应拨付的补助资金至今没有到位。",
          "请求兑现项目补助资金。", firm=1.0),
    ),
    "文化体育": (
        t("反映{estate}广场舞噪音扰民",
          "{estate}附近广场每晚有人跳广场舞，音响声音很大，持续到晚上十点以后。",
          "请求规范活动时间和音量。", complained="chengguan"),
        t("反映{township}文化活动中心长期关闭",
          "{township}文化活动中心建成后大部分时间大门紧锁，群众想开展活动也进不去。",
          "请求按时开放文化活动中心。", complained="township"),
    ),
    # 其他
    "其他事项": (
        t("咨询{topic}政策",
          "本人想了解{topic}方面的政策规定，多次打电话询问有关部门都没有得到明确答复。",
          "请求给予政策解释。"),
        t("反映邻里噪音纠纷",
          "楼上住户长期在夜间装修、拖动家具，噪音很大，多次沟通无果。",
          "请求协调解决。", complained="township"),
    ),
}

# Suggestions (建议意见类) come mostly through the online suggestion box and the leader's mailbox.
SUGGESTIONS: dict[str, tuple[Template, ...]] = {
    "市政建设": (
        t("建议在{road}路口增设红绿灯",
          "{road}与{road2}交叉路口车流量大、行人多，目前没有信号灯，上下学时段险情不断。",
          "建议增设交通信号灯和人行横道。", petition_type=SUGGESTION),
    ),
    "城市管理": (
        t("建议增加{estate}周边停车位",
          "{estate}建成时间早，车位严重不足，车辆只能停在消防通道和人行道上。",
          "建议利用周边空地建设公共停车场。", petition_type=SUGGESTION),
    ),
    "交通运输": (
        t("建议开通{township}至区人民医院的公交线路",
          "{township}群众到区人民医院看病需要转乘两次公交车，老年人很不方便。",
          "建议开通直达公交线路。", petition_type=SUGGESTION),
    ),
    "养老服务": (
        t("建议在社区开办老年食堂",
          "{place}独居老人多，做饭不便，附近没有适合老年人的就餐场所。",
          "建议在社区开办老年食堂并给予补贴。", petition_type=SUGGESTION),
    ),
    "招生入学": (
        t("建议扩建{school}增加学位",
          "近年{township}新建住宅小区较多，适龄儿童增加，{school}学位十分紧张。",
          "建议扩建学校或新建学校。", petition_type=SUGGESTION),
    ),
    "水利工程": (
        t("建议加强{river}河道治理",
          "{river}部分河段淤积严重，两岸杂草丛生，雨季容易漫堤。",
          "建议组织清淤并建设滨河步道。", petition_type=SUGGESTION),
    ),
    "政务服务": (
        t("建议政务服务中心推行周末预约办理",
          "上班族工作日很难请假去办事，政务服务中心周末不开放。",
          "建议推行周末预约办理和延时服务。", petition_type=SUGGESTION),
    ),
    "文化体育": (
        t("建议在{township}建设健身步道",
          "{township}群众健身锻炼的场地很少，晚上散步只能走在公路边，很不安全。",
          "建议利用河滨空地建设健身步道。", petition_type=SUGGESTION),
    ),
    "农村基础设施": (
        t("建议硬化{village}通组公路",
          "{village}还有两个村民小组的通组公路是泥结石路面，雨天泥泞难行。",
          "建议将通组公路纳入硬化计划。", petition_type=SUGGESTION),
    ),
    "公共卫生": (
        t("建议在{estate}设立社区卫生服务站",
          "{estate}常住人口上万人，附近没有社区卫生服务站，老人量血压、开常用药都要跑很远。",
          "建议设立社区卫生服务站。", petition_type=SUGGESTION),
    ),
    "就业创业": (
        t("建议加强返乡农民工技能培训",
          "很多返乡农民工缺少技能，在本地找不到合适的工作。",
          "建议结合本地产业开展免费技能培训。", petition_type=SUGGESTION),
    ),
    "物业管理": (
        t("建议老旧小区引入专业物业管理",
          "{estate}是老旧小区，没有物业管理，环境卫生差，治安也没有保障。",
          "建议结合老旧小区改造引入专业物业服务。", petition_type=SUGGESTION,
          hot_topics=("property_management",)),
    ),
}

FALLBACK = t("反映{place}有关问题",
             "本人反映{place}的有关问题，多次向有关部门反映，至今没有得到解决。",
             "请求有关部门依法处理。")

# Relative frequency of the first-level categories in local petition statistics (by name).
TOP_CATEGORY_WEIGHTS: dict[str, int] = {
    "城乡建设": 24, "国土资源水利林业": 9, "劳动社保": 15, "农村农业": 8, "政法": 8, "纪检监察": 4,
    "组织人事": 2, "民政": 6, "教育": 4, "卫生计生": 4, "经济综合": 4, "政治综合": 2, "交通能源环保": 6,
    "商贸旅游": 2, "宣传舆论": 0.3, "信息产业": 0.7, "科技文体": 1, "其他": 1,
}

# Closing sentences: petitions rarely end with the demand alone.
CLOSINGS = (
    "", "", "", "此事已多次向有关部门反映，至今没有得到解决。", "恳请领导重视，帮助解决。",
    "希望政府能为我们做主。", "盼复。", "以上情况属实，本人愿承担相应责任。", "请尽快给予答复。",
)

# The trade of the firm named in {company}: a developer for undelivered flats, a builder for unpaid wages.
COMPANY_TRADES: dict[str, tuple[str, ...]] = {
    "房屋征收拆迁": ("房地产开发", "建设工程"), "住房保障": ("建设工程",), "物业管理": ("物业服务",),
    "房地产开发经营": ("房地产开发", "置业"), "建筑市场": ("建设工程", "建筑劳务"),
    "欠薪讨薪": ("建筑劳务", "建设工程", "装饰工程", "机械制造", "食品"),
    "工伤": ("建筑劳务", "建设工程", "机械制造"), "土地承包流转": ("农业开发", "生态农业"),
    "校外培训": ("教育咨询", "文化培训"), "养老服务": ("养老服务", "健康管理"),
    "集资融资": ("投资管理", "养老服务", "商贸"), "出租汽车": ("出租汽车",), "旅游服务": ("旅行社",),
    "环境污染": ("化工", "机械制造", "建材"), "市场监管": ("健康科技", "商贸"),
}

RIVERS = ("清溪河", "柳河", "白沙河", "龙溪河")
SCHOOLS = ("清溪区实验小学", "清溪区第二实验小学", "清溪中学", "清溪区外国语学校", "龙泉小学", "白鹤中学")
HOSPITALS = ("清溪区人民医院", "清溪区中医院", "清溪区妇幼保健院", "滨江市第三人民医院")
ESTATE_SUFFIXES = ("花园", "名苑", "华府", "家园", "小区", "雅居", "新城", "公馆")
PROJECT_KINDS = ("安置房项目", "棚户区改造项目", "道路改造工程", "污水处理厂", "工业园区", "商业综合体",
                 "学校建设项目", "滨河公园")
SHOPS = ("超市", "健身会所", "美容美发店", "便利店", "洗车行", "家具城", "母婴店", "火锅店")
SERVICES = ("不动产登记", "营业执照变更", "社保关系转移", "户籍迁移", "建设工程规划许可", "残疾人证办理")
TOPICS = ("农村建房审批", "城乡居民养老保险", "老旧小区改造", "残疾人两项补贴", "农村危房改造", "高龄津贴")
