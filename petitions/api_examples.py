"""Chinese request and response examples for the petitions API's OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

from petitions.states import Action

PETITION_ROW = {
    "tracking_number": "DHK-2026-000123",
    "title": "邻居建房侵占地界",
    "state": "handling",
    "channel": "hotline",
    "origin": "direct",
    "kind": "grievance",
    "category": "邻里纠纷 / 宅基地地界",
    "village": "东河口村",
    "unit": "综治中心",
    "responsible_leader": "陈书记",
    "registered_at": "2026-11-20T09:12:00+08:00",
    "next_due": "2026-12-04",
    "version": 3,
}
PETITION_DETAIL = {
    **PETITION_ROW,
    "content": "邻居新建院墙越过地界约半米，协商未果。",
    "request": "请求镇里调查并恢复原地界。",
    "upstream_reference": "",
    "upstream_due": None,
    "anonymous": False,
    "headcount": 1,
    "is_collective": False,
    "is_repeat": False,
    "is_skip_level": False,
    "is_key_matter": False,
    "is_public_interest": False,
    "route_due": "2026-12-05",
    "notify_due": "2026-12-05",
    "notified_at": None,
    "handle_due": "2027-01-19",
    "extension_days": 0,
    "outcome": "",
    "reply_text": "",
    "satisfaction": "",
    "petitioners": [
        {"id": 7, "name": "刘*", "phone": "138****1234", "id_number": "110105********002X", "is_representative": False}
    ],
    "allowed_actions": ["notify", "reply", "note", "set_responsible"],
}

PETITION_LIST_EXAMPLE = OpenApiExample(
    "诉求列表",
    response_only=True,
    value={"count": 1, "next": None, "previous": None, "results": [PETITION_ROW]},
)
PETITION_DETAIL_EXAMPLE = OpenApiExample("诉求详情", response_only=True, value=PETITION_DETAIL)
PETITION_CREATE_EXAMPLE = OpenApiExample(
    "热线登记",
    request_only=True,
    value={
        "channel": "hotline",
        "kind": "grievance",
        "category": "neighbours-boundary",
        "village": "341502105201",
        "title": "排水沟被堵",
        "content": "连续降雨后三组排水沟堵塞，院内积水。",
        "request": "请尽快疏通排水沟。",
        "petitioners": [{"name": "刘芳", "phone": "138-1234-1234", "id_number": "11010519491231002X"}],
    },
)

# One request example per lifecycle action: (summary, description, body).
ACTION_DOCS: dict[str, tuple[str, str, dict]] = {
    Action.ASSIGN: (
        "交办承办单位",
        "登记后交办给一个承办单位（登记 → 办理中），可定完成情况报告期限；检举控告只能交镇纪委。窗口人员、领导可用。",
        {
            "version": 1,
            "unit": 3,
            "leader": 12,
            "handler": None,
            "report_due": "2026-12-10",
            "note": "请综治中心牵头核实地界。",
        },
    ),
    Action.ACCEPT: (
        "镇本级受理",
        "镇里直接受理办理（登记 → 办理中），由信访接待中心承办。窗口人员、领导可用。",
        {"version": 1, "leader": 12, "handler": 15, "note": "镇本级直接办理。"},
    ),
    Action.TRANSFER: (
        "转送",
        "转送有权处理的机关（登记 → 已转送），本镇办理结束。窗口人员、领导可用。",
        {"version": 1, "destination": "六安市金安区人民法院", "note": "已进入诉讼程序。"},
    ),
    Action.REJECT: (
        "不予受理",
        "不予受理（登记 → 不予受理），理由告知诉求人。窗口人员、领导可用。",
        {"version": 1, "reason": "已经司法程序处理，依法不予受理。"},
    ),
    Action.NOTIFY: (
        "书面告知",
        "15 日内书面告知诉求人已受理（办理中，不改变状态）。承办人、承办单位人员、包案领导可用。",
        {"version": 2, "text": "已受理，将于60日内办结并书面答复。"},
    ),
    Action.REPLY: (
        "书面答复",
        "出具书面答复：支持、解释说明或不予支持（办理中 → 已答复）。",
        {"version": 3, "outcome": "supported", "text": "经实地测量，院墙越界，已协调拆除。"},
    ),
    Action.EXTEND: (
        "延期",
        "延长办理期限一次，最多 30 日，须在期限届满前，且不超过上级要求的期限。单位负责人、领导可用。",
        {"version": 3, "days": 30, "reason": "涉及多户，需测量地界。"},
    ),
    Action.OBJECT: (
        "异议退回",
        "承办单位认为不属于本单位职责，5 个工作日内提出异议（办理中 → 登记），由窗口重新交办。",
        {"version": 2, "reason": "土地权属不属于本单位职责。"},
    ),
    Action.ESCALATE: (
        "村报提级办",
        "村里无法解决的事项报镇里办理（办理中 → 登记）。持有该事项的村级单位人员可用。",
        {"version": 2, "reason": "涉及跨村土地权属，村里无法协调。"},
    ),
    Action.FOLLOW_UP: (
        "回访",
        "答复后回访：满意或基本满意则办结；因承办单位原因不满意则重办（已答复 → 办结 / 办理中）。",
        {"version": 4, "satisfaction": "satisfied", "unit_at_fault": False, "note": "电话回访，群众满意。"},
    ),
    Action.REQUEST_REVIEW: (
        "申请复查",
        "答复后 30 日内登记复查申请（办结 → 复查中）。窗口人员可用。",
        {"version": 5, "text": "对答复不服，请求复查。"},
    ),
    Action.ANSWER_REVIEW: (
        "复查答复",
        "出具复查意见（复查中 → 办结）。领导可用。",
        {"version": 6, "text": "经复查，维持原处理意见。"},
    ),
    Action.REQUEST_RE_REVIEW: (
        "申请复核",
        "复查意见后 30 日内登记复核申请（办结 → 复核中）。窗口人员可用。",
        {"version": 7, "text": "对复查意见不服，请求复核。"},
    ),
    Action.ANSWER_RE_REVIEW: (
        "复核答复",
        "出具复核意见，事项终结（复核中 → 终结）。领导可用。",
        {"version": 8, "text": "经复核，维持复查意见。"},
    ),
    Action.SET_RESPONSIBLE: (
        "更换包案领导",
        "办理期间更换包案领导，须说明理由（谁主管谁负责）。窗口人员、领导可用。",
        {"version": 2, "leader": 12, "reason": "分管领导调整。"},
    ),
    Action.LINK_REPEAT: (
        "关联重复件",
        "标记为同一诉求人较早诉求的重复件。窗口人员可用。",
        {"version": 1, "earlier": "DHK-2026-000012"},
    ),
    Action.NOTE: (
        "添加备注",
        "在办理记录中添加备注，可选择是否向群众公开。",
        {"version": 1, "text": "已电话联系诉求人。", "public": False},
    ),
}
