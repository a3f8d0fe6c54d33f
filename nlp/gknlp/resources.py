"""Where the data directories live, in a source checkout and in an installed wheel."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    # A wheel carries rules/ and models/ inside the package (see pyproject.toml);
    # a source checkout or editable install finds them at the top of the repository.
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent.parent / name


def rules_dir() -> Path:
    """The directory that holds the rule files (*.toml)."""
    return _data_dir("rules")


def models_dir() -> Path:
    """The directory that holds trained models."""
    return _data_dir("models")
