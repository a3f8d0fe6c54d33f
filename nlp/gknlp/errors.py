"""The exceptions gknlp raises: one base class, one subclass per kind of failure."""


class GknlpError(Exception):
    """Base class: every error gknlp raises on purpose derives from it."""


class InputError(GknlpError):
    """The input is not a report gknlp can read (missing, empty, binary, undecodable)."""


class RuleFileError(GknlpError):
    """A rule file in rules/ is malformed: the message names the file and the rule."""


class ModelError(GknlpError):
    """A trained model is missing, corrupt, or was made for another label set or version."""
