"""Case numbers stay unique and gapless when 4 OS processes take cases in at once (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing as mp
import re
import time

import pytest

from tests.common.services.test_cases_support import make_hall

PROCESSES = 4
PER_PROCESS = 15


def _worker(args) -> list[str]:
    url, actor_fields, provided, window_id, start_at = args
    import time
    from common.db import connect
    from common.services import cases
    from common.services.permissions import Actor
    from tests.common.services.test_cases_support import applicant, at

    db = connect(url)
    try:
        actor = Actor(**actor_fields)
        out = []
        time.sleep(max(0.0, start_at - time.time()))  # all four start together
        for i in range(PER_PROCESS):
            req = cases.IntakeRequest(item_code="PRO-001", applicant=applicant(), window_id=window_id,
                                      provided_material_ids=frozenset(provided), reason="不符合受理条件")
            fn = cases.reject if i % 3 == 2 else cases.accept_promised  # two code paths, one numbering function
            out.append(fn(db, actor, req, now=at(2026, 3, 2, 10, i)).case_no)
            time.sleep(0.005)  # SQLite's busy handler is not fair: let the waiting writers in
        return out
    finally:
        db.dispose()


@pytest.mark.slow
def test_case_numbers_unique_across_processes(db):
    hall = make_hall(db)
    clerk = hall.actors["C001"]
    fields = dict(staff_id=clerk.staff_id, staff_no=clerk.staff_no, name=clerk.name, roles=clerk.roles,
                  site_id=clerk.site_id, department_id=clerk.department_id)
    start_at = time.time() + 6  # after every spawned interpreter has imported the services
    args = [(db.url, fields, sorted(hall.material_ids("PRO-001")), hall.windows[1], start_at)] * PROCESSES
    with mp.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.map(_worker, args)
    numbers = [n for chunk in results for n in chunk]
    assert len(numbers) == PROCESSES * PER_PROCESS
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"T01-20260302-\d{5}", n) for n in numbers)
    assert sorted(int(n[-5:]) for n in numbers) == list(range(1, PROCESSES * PER_PROCESS + 1))
    for chunk in results:  # each process saw its own numbers increase
        assert chunk == sorted(chunk)
