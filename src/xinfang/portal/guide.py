"""The 导引图 (which way a matter goes) and the 路线图 (the steps of the petition procedure), as data.

Each guide step asks one question and links to the next, so the guide works without JavaScript and reads in
order with a screen reader; an end step says where to turn and why, citing the Regulation (docs/REGULATION.md).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Choice:
    label: str
    step: str


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    articles: str = ""
    choices: tuple[Choice, ...] = ()
    # An end step may invite the visitor to submit online (the kind of submission) or not.
    submit_kind: str = ""
    points: tuple[str, ...] = field(default=())


START = "start"

GUIDE: dict[str, Step] = {
    START: Step(
        "您要反映什么？", "请选择最接近的一项，我们告诉您该向哪里提出、怎样提出。",
        choices=(Choice("对政府工作提出意见或建议", "suggestion"),
                 Choice("自己的权益问题，要求解决（申诉求决）", "grievance"),
                 Choice("检举控告公职人员或单位的违法违纪行为", "accusation"))),
    "suggestion": Step(
        "建议意见：可以网上提出", "对各级机关、单位的工作提出的建议意见，有关机关应当认真研究论证；科学合理、具有现实可行性的，"
        "采纳或者部分采纳，并予以回复。", "《信访工作条例》第二十九条", submit_kind="suggestion"),
    "accusation": Step(
        "检举控告：由纪检监察机关或有权处理的机关办理", "检举控告公职人员违纪违法问题的，可以向纪检监察机关提出；也可以网上投诉，"
        "由信访部门转交有权处理的机关。检举控告的内容和材料不得泄露、转给被检举控告的人员和单位。",
        "《信访工作条例》第二十二条第二款、第三十条", submit_kind="complaint"),
    "grievance": Step(
        "这件事是否已经或者应当通过诉讼、仲裁、复议等法定途径解决？", "诉访分离：依法应当通过诉讼、仲裁、行政复议等法定途径解决的，"
        "信访不能代替这些程序。", "《信访工作条例》第二十二条、第三十一条",
        choices=(Choice("已经起诉、正在审理，或不服法院、检察院的裁判、决定", "court"),
                 Choice("劳动争议、人事争议、农村土地承包经营纠纷等，可以申请仲裁", "arbitration"),
                 Choice("不服行政机关的具体行政行为（如处罚、征收决定）", "reconsideration"),
                 Choice("都不是，需要有关机关处理", "handle"))),
    "court": Step(
        "请向人民法院、人民检察院等政法机关提出", "涉法涉诉事项依法由政法机关处理：请通过上诉、申请再审、申诉等诉讼程序提出，"
        "或到政法机关的诉讼服务窗口咨询。信访部门收到此类事项的，会告知您向有关政法机关提出。",
        "《信访工作条例》第二十二条第二款、第三十一条第（一）项",
        points=("已终结的涉法涉诉事项，不再作为信访事项受理。",)),
    "arbitration": Step(
        "请申请仲裁", "劳动人事争议请向劳动人事争议仲裁委员会申请仲裁；农村土地承包经营纠纷可以向农村土地承包仲裁委员会申请仲裁。",
        "《信访工作条例》第三十一条第（二）项",
        points=("劳动争议申请仲裁的时效期间一般为一年。",)),
    "reconsideration": Step(
        "请申请行政复议或提起行政诉讼", "不服行政机关的行政行为，可以依照《中华人民共和国行政复议法》申请行政复议，"
        "或者依法提起行政诉讼。", "《信访工作条例》第三十一条第（四）项",
        points=("申请行政复议一般应当自知道该行政行为之日起六十日内提出。",)),
    "handle": Step(
        "是否已经在办理中，或者已经复核终结？", "同一事项已受理且在办理期限内的，请等待答复；已经复核终结的，以同一事实和理由再次提出，不再受理。",
        "《信访工作条例》第三十六条第三款",
        choices=(Choice("第一次反映，或前一次办理已答复但未复核终结", "submit"),
                 Choice("已经受理，正在办理期限内", "waiting"),
                 Choice("已经复核终结", "final"))),
    "submit": Step(
        "可以网上投诉", "请向有权处理的机关提出；网上投诉由属地的信访部门登记，15日内转送或交办有权处理的机关，"
        "有权处理的机关受理后一般在60日内办结并出具信访处理意见书。",
        "《信访工作条例》第二十二条、第二十三条、第三十二条、第三十四条", submit_kind="complaint",
        points=("请如实反映，对材料的真实性负责，不得捏造、歪曲事实（第二十六条）。",
                "多人反映同一事项的，推选代表，代表不超过5人（第二十条）。")),
    "waiting": Step(
        "请等待办理答复", "已受理的事项在办理期限内，向上级机关再次提出的，上级机关不予受理。您可以凭查询码查询办理进度。",
        "《信访工作条例》第三十四条"),
    "final": Step(
        "不再受理", "信访人对复核意见不服，仍然以同一事实和理由提出信访事项的，各级机关不再受理。",
        "《信访工作条例》第三十六条第三款"),
}


@dataclass(frozen=True)
class Stage:
    title: str
    period: str
    text: str
    articles: str


ROADMAP: tuple[Stage, ...] = (
    Stage("提出", "", "通过网上投诉、来信、来电、来访等渠道提出，写明姓名（名称）、住址、请求、事实和理由。",
          "《信访工作条例》第十七条至第十九条"),
    Stage("登记、转送交办", "15日内", "信访部门登记后，按照属地管理、分级负责，谁主管、谁负责，转送或交办有权处理的机关；"
          "涉法涉诉事项导入法定途径。", "《信访工作条例》第二十一条、第二十二条"),
    Stage("受理告知", "15日内", "有权处理的机关决定是否受理并书面告知；不予受理的说明理由。", "《信访工作条例》第二十三条"),
    Stage("办理、答复", "60日内（可延长，不超过30日）", "调查核实，出具信访处理意见书，载明请求、事实和理由、处理意见及依据。",
          "《信访工作条例》第三十一条、第三十二条、第三十四条"),
    Stage("评价", "", "收到处理意见后，可以对办理情况作出满意、基本满意或不满意的评价。", "满意度评价规定（实践）"),
    Stage("复查", "收到意见书之日起30日内请求", "不服处理意见的，可以请求原办理机关的上一级机关复查；复查机关30日内答复。",
          "《信访工作条例》第三十五条"),
    Stage("复核", "收到复查意见之日起30日内请求", "不服复查意见的，可以向复查机关的上一级机关请求复核；复核意见为终结意见。",
          "《信访工作条例》第三十六条"),
)
