"""The words of the accountability app: meeting levels and states, why a case is on an
agenda, decision states, supervision reasons and accountability forms."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A case open this many days past its deadline is proposed for the town joint meeting.
OVERDUE_THRESHOLD_DAYS = 15
# A case the units have sent back as "not ours" this many times is a dispute over who is
# responsible (Art. 24) and goes before the meeting.
DISPUTE_MIN_RETURNS = 1


class Level(models.TextChoices):
    TOWN = "town", _("town liaison joint meeting")
    DISTRICT = "district", _("district liaison joint meeting")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CLOSED = "closed", pgettext_lazy("meeting state", "closed")


class AgendaReason(models.TextChoices):
    ESCALATED = "escalated", _("escalated from a village")
    KEY_MATTER = "key_matter", _("key petition matter")
    OVERDUE = "overdue", _("overdue beyond the threshold")
    DISPUTE = "dispute", _("units dispute who is responsible (Art. 24)")
    FROM_TOWN = "from_town", _("sent on by the town joint meeting")
    SECRETARY = "secretary", _("added by the secretary")


class DecisionState(models.TextChoices):
    PENDING = "pending", _("being carried out")
    DONE = "done", _("carried out")
    NOT_DONE = "not_done", _("not carried out")
    SENT_TO_DISTRICT = "sent_to_district", _("sent to the district joint meeting")


class SupervisionReason(models.TextChoices):
    SHIRKING = "shirking", _("shirking responsibility")
    PERFUNCTORY = "perfunctory", _("perfunctory handling")
    DELAY = "delay", _("delay")
    FALSE_REPORTING = "false_reporting", _("false reporting")


class SupervisionState(models.TextChoices):
    OPEN = "open", _("awaiting the unit's reply")
    REPLIED = "replied", _("replied")
    CLOSED = "closed", pgettext_lazy("supervision state", "closed")


class AccountabilityForm(models.TextChoices):
    REMINDER_TALK = "reminder_talk", _("reminder talk")
    ADMONITION_TALK = "admonition_talk", _("admonition talk")
    CIRCULATED_CRITICISM = "circulated_criticism", _("circulated criticism")
    WRITTEN_ADMONITION = "written_admonition", _("written admonition")
    ORGANISATIONAL = "organisational", _("organisational measures")
    DISCIPLINE = "discipline", _("party or government discipline")


class CandidateRule(models.TextChoices):
    OVERDUE = "overdue", _("overdue")
    LATE_NOTICE = "late_notice", _("late written notice")
    DISSATISFIED = "dissatisfied", _("dissatisfied at the follow-up")
    REDO = "redo", _("redone")
    REPEAT = "repeat", _("repeat petition")
    DECISION_NOT_DONE = "decision_not_done", _("meeting decision not carried out")


class EventKind(models.TextChoices):
    MEETING_PLANNED = "meeting_planned", _("meeting planned")
    MEETING_HELD = "meeting_held", _("meeting held")
    MEETING_CLOSED = "meeting_closed", _("meeting closed")
    ITEM_ADDED = "item_added", _("agenda item added")
    ITEM_REMOVED = "item_removed", _("agenda item removed")
    DECISION_RECORDED = "decision_recorded", _("decision recorded")
    DECISION_DONE = "decision_done", _("decision carried out")
    DECISION_NOT_DONE = "decision_not_done", _("decision not carried out")
    SENT_TO_DISTRICT = "sent_to_district", _("sent to the district joint meeting")
    SUPERVISION_OPENED = "supervision_opened", _("supervision opened")
    SUPERVISION_REPLIED = "supervision_replied", _("supervision replied")
    SUPERVISION_CLOSED = "supervision_closed", _("supervision closed")
    RECORD_ADDED = "record_added", _("accountability record added")
