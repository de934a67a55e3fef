"""Commands in, neutral replies out: the platform-neutral command layer.

Importing the package registers every command (each module's `@command` runs on import).
"""

from handlers import (  # noqa: F401  (registers the commands)
    actions,
    admin,
    briefing,
    compare,
    help,
    home,
    indicator,
    leads,
    notes,
    priorities,
    status,
    update,
    where,
)
from handlers.reply import Context, CspError, Form, FormErrors, FormSubmission, Reply
from handlers.request import Settings
from handlers.router import dispatch

__all__ = ["Context", "CspError", "Form", "FormErrors", "FormSubmission", "Reply", "Settings",
           "dispatch"]
