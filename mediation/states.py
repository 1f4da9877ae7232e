"""The words of the mediation lifecycle: states, actions and the other fixed choices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    REGISTERED = "registered", _("registered for mediation")
    IN_MEDIATION = "in_mediation", _("in mediation")
    AGREED = "agreed", _("agreement reached")
    PARTLY_AGREED = "partly_agreed", _("partly agreed")
    FAILED = "failed", _("mediation failed")
    WITHDRAWN = "withdrawn", _("ended by a party")
    RETURNED = "returned", _("returned to the petition desk")
    REFERRED = "referred", _("referred to the dispute mediation centre")


# The mediation is still going on: a party may end it at any time (People's Mediation Law).
OPEN_STATES = (State.REGISTERED, State.IN_MEDIATION)
# Not finished with: open, or failed and not yet handed on. A police flag can be set here.
UNFINISHED_STATES = (*OPEN_STATES, State.FAILED)
# The mediation ended in a written agreement that the committee follows up.
AGREEMENT_STATES = (State.AGREED, State.PARTLY_AGREED)
# Counted as failures in the statistics, before or after the hand-over.
FAILED_STATES = (State.FAILED, State.RETURNED, State.REFERRED)


class Action(models.TextChoices):
    REGISTER = "register", _("register the dispute")
    ASSIGN = "assign", _("assign mediators")
    SESSION = "session", _("record a mediation session")
    AGREE = "agree", _("record the agreement")
    FAIL = "fail", _("record that mediation failed")
    WITHDRAW = "withdraw", _("a party ends the mediation")
    RETURN_TO_DESK = "return_to_desk", _("return to the petition desk")
    REFER = "refer", _("refer to the dispute mediation centre")
    FLAG_POLICE = "flag_police", _("report to the police")
    FOLLOW_UP = "follow_up", _("follow up the agreement's performance")
    COURT_APPLY = "court_apply", _("record the application for judicial confirmation")
    COURT_RESULT = "court_result", _("record the court's decision")
    NOTE = "note", _("add a note")


class Source(models.TextChoices):
    PETITION = "petition", _("a petition")
    PATROL_RISK = "patrol_risk", _("a risk found on patrol")
    WALK_IN = "walk_in", _("a walk-in")
    POLICE = "police", _("referred by the police")
    COURT = "court", _("referred by a court")


class DisputeKind(models.TextChoices):
    FAMILY = "family", _("marriage and family")
    NEIGHBOURS = "neighbours", _("neighbours")
    LAND = "land", _("land and forest rights")
    HOUSING = "housing", _("houses and homesteads")
    DEBT = "debt", _("contracts and debts")
    LABOUR = "labour", _("labour and wages")
    DAMAGES = "damages", _("compensation for damage or injury")
    ENVIRONMENT = "environment", _("environment and nuisance")
    OTHER = "other", _("other dispute")


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class MemberKind(models.TextChoices):
    GROUP_LEADER = "group_leader", _("village group leader")
    PARTY_VETERAN = "party_veteran", _("old party member")
    RETIRED_CADRE = "retired_cadre", _("retired cadre")
    RESPECTED_LOCAL = "respected_local", _("respected local")
    LEGAL_WORKER = "legal_worker", _("legal worker")


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("applicant")
    RESPONDENT = "respondent", _("respondent")


class CourtResult(models.TextChoices):
    NOT_REQUESTED = "not_requested", _("not requested")
    PENDING = "pending", _("applied, awaiting the court")
    CONFIRMED = "confirmed", _("confirmed by the court")
    REFUSED = "refused", _("refused by the court")


class Performance(models.TextChoices):
    PENDING = "pending", _("not yet due or not yet checked")
    DONE = "done", _("performed")
    LATE = "late", _("performed late")
    BROKEN = "broken", _("broken")
