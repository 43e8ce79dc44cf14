"""Errors a user can fix. Their message is one clear sentence: what is wrong and what to do.

The CLI prints the message and exits 2; the GUI shows it in a message box. Anything that is not a
``UserError`` is a bug and is reported with its details.
"""


class UserError(Exception):
    """A problem the user can fix (bad folder, bad option, wrong checkpoint)."""


class DatasetError(UserError):
    """The dataset folder is missing, empty, unreadable or has no usable image."""


class ModelError(UserError):
    """Unknown model, bad model option, or weights that do not fit the model."""


class CheckpointError(UserError):
    """The file is not a usable CNN Studio checkpoint (or belongs to another model)."""


class ConfigError(UserError):
    """A configuration value is out of range or a config file cannot be read."""


class Cancelled(Exception):
    """A long task (decode, training) was cancelled by the user; not an error."""


class StorageError(UserError, OSError):
    """A file could not be written: the folder is read-only, not writable, or the disk is full.

    Also an ``OSError``, so code that handles failed writes in general keeps doing so.
    """


class RunLockedError(UserError):
    """Another process is writing to the run folder (one writer per run)."""
