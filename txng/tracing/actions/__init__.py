"""Every change to lots and their history (DESIGN.md: all writes go through actions).

Each function: one transaction, a permission check, one EPCIS event where goods or their record
change, the derived stock and links updated beside it, one audit row.
"""

from txng.tracing.actions.authority import (  # noqa: F401
    add_working_days,
    answer_tracing_request,
    can_close_recall,
    can_recall,
    clear_retention_policy,
    complete_recall,
    create_process,
    export_recall,
    lift_recall,
    open_tracing_request,
    purge_lot,
    recall_lots,
    set_retention_policy,
)
from txng.tracing.actions.movements import (  # noqa: F401
    CLOSED,
    STAGE_BIZ_STEP,
    add_diary_entry,
    adjust_stock,
    correct_diary_entry,
    create_lot,
    declare_error,
    destroy,
    finish_lot,
    transform,
)
from txng.tracing.actions.shipments import (  # noqa: F401
    confirm_receipt,
    return_goods,
    ship,
)
