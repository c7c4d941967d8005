"""Several OS processes (spawn) issue and call tickets against one database, on SQLite and PostgreSQL.

Kiosk processes issue tickets; window processes loop call-next / recall / no-show / transfer / park / finish.
Afterwards nothing may be duplicated, double-held or lost, and every ticket's event history must be a valid
sequence that ends in its current status. `hall bench queue` runs the same code for longer.
"""

from __future__ import annotations

import os

import pytest

from common.services.queue_bench import check_invariants, replay, run_load, setup_hall
from common.domain import TicketEventKind as K, TicketStatus as TS

DURATION_S = float(os.environ.get("HALL_STRESS_SECONDS", "5"))


def test_replay_accepts_valid_and_rejects_invalid_histories():
    assert replay([K.ISSUED, K.CALLED, K.STARTED, K.FINISHED, K.REPRINTED]) == (TS.DONE, None)
    assert replay([K.CHECKED_IN, K.CALLED, K.NO_SHOW, K.REQUEUED, K.CALLED, K.TRANSFERRED, K.CALLED,
                   K.RETURNED, K.CALLED, K.FINISHED])[0] is TS.DONE
    assert replay([K.ISSUED, K.STARTED])[1] is not None  # started before called
    assert replay([K.ISSUED, K.CALLED, K.FINISHED, K.CALLED])[1] is not None  # nothing after finished
    assert replay([K.CALLED])[1] is not None  # not issued first


@pytest.mark.slow
def test_many_processes_never_break_the_queue(db):
    hall = setup_hall(db, n_windows=4)
    result = run_load(db.url, hall, kiosks=3, windows=4, duration_s=DURATION_S)
    assert result.errors == []
    assert len(result.issued) > 20, "the kiosks should have issued tickets"
    assert result.ops.get("call_next", 0) > 20 and result.ops.get("finish", 0) > 10
    assert result.ops.get("transfer", 0) > 0 and result.ops.get("no_show", 0) > 0
    problems = check_invariants(db, hall.site_id, result.issued, result.walk_direct)
    assert problems == []
