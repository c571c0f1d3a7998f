"""Synthetic organisations and assessments for demonstrations and benchmarks.

Realistic mixes of industry, size and region; an applicability profile that fits
the industry (process or discrete manufacturing, build-to-print, trade, services);
answers correlated within an organisation (one latent maturity) and across
dimensions (dimension offsets around it), some "not applicable"; outcome figures
that improve with maturity, a quarter of them not given; and a share of
organisations with a second round a year later that shows plausible progress. Every assessment is scored by
the core and summarised by the same function as a real submission; rows are
written in bulk (COPY on PostgreSQL), in chunks that several processes share.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from maturity.extensions import db
from maturity.models import QuestionnaireVersion
from maturity.services import bulk
from maturity.services.synthetic.chunk import write_chunk
from maturity.services.synthetic.plan import CHUNK, Plan, make_plan

__all__ = ["SyntheticReport", "generate"]


@dataclass
class SyntheticReport:
    organisations: int
    assessments: int
    answers: int
    seconds: float


def generate(
    organisations: int,
    seed: int,
    centre_name: str,
    version: QuestionnaireVersion,
    *,
    name_prefix: str = "合成企业",
    sections: dict[str, float] | None = None,
    provinces: dict[str, float] | None = None,
    chunk: int = CHUNK,
    processes: int | None = None,
) -> SyntheticReport:
    """``organisations`` new organisations named ``name_prefix`` and a number, drawn
    from the national mix of industry sections and provinces unless ``sections`` or
    ``provinces`` give another (weights).

    On PostgreSQL, chunks of ``chunk`` organisations are written by ``processes``
    processes (default: one per core), each committing its chunks; the data depend on
    the seed and the chunk size only, not on the number of processes."""
    started = datetime.now(UTC)
    plan = make_plan(
        organisations, seed, centre_name, version, name_prefix, sections, provinces, chunk
    )
    if processes is None:
        processes = os.cpu_count() or 1
    processes = min(processes, plan.chunks)
    if db.engine.dialect.name != "postgresql" or processes < 2:
        written = [write_chunk(plan, k) for k in range(plan.chunks)]
    else:
        written = _write_in_parallel(plan, processes)
    bulk.after_bulk_load(
        ["organisation", "assessment", "answer", "item_value", "dimension_result",
         "centre_registration"]
    )  # fmt: skip
    seconds = (datetime.now(UTC) - started).total_seconds()
    return SyntheticReport(
        organisations,
        sum(assessments for assessments, _answers in written),
        sum(answers for _assessments, answers in written),
        seconds,
    )


# The plan a forked process writes chunks of (inherited, not sent through a pipe).
_forked_plan: Plan | None = None


def _write_in_parallel(plan: Plan, processes: int) -> list[tuple[int, int]]:
    global _forked_plan
    # The centre, for the processes to see; the connection goes back to the pool,
    # which the processes leave alone (`_forget_connections`).
    db.session.commit()
    _forked_plan = plan
    try:
        with multiprocessing.get_context("fork").Pool(processes, _forget_connections) as pool:
            return pool.map(_write_forked_chunk, range(plan.chunks), chunksize=1)
    finally:
        _forked_plan = None


def _forget_connections() -> None:
    """In a forked process: the parent's pooled connections are the parent's."""
    db.engine.dispose(close=False)


def _write_forked_chunk(k: int) -> tuple[int, int]:
    assert _forked_plan is not None
    written = write_chunk(_forked_plan, k)
    db.session.commit()
    return written
