"""The words of the petition lifecycle: states, actions and the other fixed choices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    REGISTERED = "registered", _("registered")
    HANDLING = "handling", _("being handled")
    REPLIED = "replied", _("replied")
    CLOSED = "closed", _("closed")
    TRANSFERRED = "transferred", _("transferred")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    UNDER_REVIEW = "under_review", _("under review")
    UNDER_RE_REVIEW = "under_re_review", _("under re-review")
    FINAL = "final", _("final")


OPEN_STATES = (State.REGISTERED, State.HANDLING, State.REPLIED, State.UNDER_REVIEW, State.UNDER_RE_REVIEW)


class Action(models.TextChoices):
    REGISTER = "register", _("register")
    ACCEPT = "accept", _("accept for the town to handle")
    ASSIGN = "assign", _("assign to a handling unit")
    TRANSFER = "transfer", _("transfer to the competent body")
    REJECT = "reject", _("not accept")
    OBJECT = "object", _("object: received by mistake")
    ESCALATE = "escalate", _("escalate to the town")
    NOTIFY = "notify", _("send written notice")
    EXTEND = "extend", _("extend the time limit")
    REPLY = "reply", _("reply in writing")
    FOLLOW_UP = "follow_up", _("record the follow-up visit")
    RATE = "rate", _("resident's rating")
    REQUEST_REVIEW = "request_review", _("request review")
    ANSWER_REVIEW = "answer_review", _("answer review")
    REQUEST_RE_REVIEW = "request_re_review", _("request re-review")
    ANSWER_RE_REVIEW = "answer_re_review", _("answer re-review")
    NOTE = "note", _("add a note")
    ATTACH = "attach", _("add photos or files")
    LINK_REPEAT = "link_repeat", _("link to an earlier petition")
    REFER_MEETING = "refer_meeting", _("put before a liaison meeting")
    MEETING_DECISION = "meeting_decision", _("record a liaison meeting's decision")
    SET_RESPONSIBLE = "set_responsible", _("change the responsible leader")


class Channel(models.TextChoices):
    MAILBOX = "mailbox", _("online mailbox")
    WINDOW = "window", _("service-hall window")
    HOTLINE = "hotline", _("convenience hotline")
    LETTER = "letter", _("letter")
    FAX = "fax", _("fax")
    RECEPTION_DAY = "reception_day", _("leader reception day")
    LEADER_VISIT = "leader_visit", _("leader visit")
    HOME_VISIT = "home_visit", _("home visit")
    GRID_PATROL = "grid_patrol", _("grid patrol")
    PLATFORM = "platform", _("higher authority's platform")


class Origin(models.TextChoices):
    ASSIGNED = "assigned", _("assigned from above")
    DIRECT = "direct", _("handled directly by the town")
    ESCALATED = "escalated", _("escalated from a village")


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("suggestion or opinion")
    ACCUSATION = "accusation", _("accusation")
    GRIEVANCE = "grievance", _("grievance or demand")
    ENQUIRY = "enquiry", _("enquiry")


class Mode(models.TextChoices):
    DIRECT = "direct", _("handled by the town")
    ASSIGNED = "assigned", _("assigned to a unit")


class Outcome(models.TextChoices):
    SUPPORTED = "supported", _("supported")
    EXPLAINED = "explained", _("explained")
    NOT_SUPPORTED = "not_supported", _("not supported")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class Light(models.TextChoices):
    GREEN = "green", _("on time")
    AMBER = "amber", _("due soon")
    RED = "red", _("overdue")
