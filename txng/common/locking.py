"""Row locks for state transitions.

Two officials who press "approve" and "reject" on the same object at the same moment each read
the object before either writes. Without a lock both checks pass and both writes land (the
history then holds two transitions out of one state). Every transition therefore re-reads its
row under ``SELECT ... FOR UPDATE`` inside its transaction and checks the state again: the
second request waits for the first to commit, then sees the new state and is refused with a
message, not applied twice.

On SQLite there are no row locks; settings.py opens every transaction IMMEDIATE instead, which
takes the database's write lock at BEGIN, so the same re-read sees the winner's commit.
"""

from django.core.exceptions import ValidationError
from django.db import router
from django.utils.translation import gettext as _


def _state_label(obj, field):
    display = getattr(obj, f"get_{field}_display", None)
    return str(display()) if display else str(getattr(obj, field))


def lock_for_transition(obj, expected_states=None, *, field="state", message=None):
    """Lock `obj`'s row until the end of the current transaction and reload it in place.

    When `expected_states` is given and the fresh `field` is not among them, raise
    ValidationError: someone else moved the object first. `message` may use %(state)s (the
    current state's label) and %(object)s. Outside ``transaction.atomic()`` Django refuses the
    lock (TransactionManagementError), so a caller that forgot the transaction fails loudly.
    """
    using = router.db_for_write(type(obj), instance=obj)
    manager = type(obj)._base_manager.db_manager(using)
    obj.refresh_from_db(from_queryset=manager.select_for_update())
    if expected_states is not None and getattr(obj, field) not in expected_states:
        template = message or _(
            "“%(object)s” vừa được người khác xử lý và đang ở trạng thái “%(state)s”; "
            "thao tác này không còn thực hiện được. Hãy tải lại trang."
        )
        raise ValidationError(template % {"state": _state_label(obj, field), "object": obj})
    return obj
