"""Errors the petition services raise. Each carries a translated message for the user."""


class PetitionError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class IllegalTransition(PetitionError):
    """The lifecycle table does not allow this action in the petition's state."""


class NotAllowed(PetitionError):
    """The user's role or scope does not allow this action on this petition."""


class StaleVersion(PetitionError):
    """Somebody else changed the petition after this user loaded it."""


class InvalidInput(PetitionError):
    """The input breaks a rule (a time window, a limit, a missing reason)."""


class DuplicateUpstreamReference(InvalidInput):
    """The town already registered a case with this upstream reference (an assignment from
    above delivered twice); the caller may answer with the existing case."""
