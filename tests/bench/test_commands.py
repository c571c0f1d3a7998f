"""The whole-command measurement itself (fast: it runs tiny commands)."""

from __future__ import annotations

import os
import sys

import pytest

from maturity.bench.commands import timed_process


def test_a_commands_peak_memory_is_its_own_not_that_of_the_process_measuring_it() -> None:
    # The measuring process holds 300 MB more than usual, as pytest or a bench that
    # has rendered reports does; it used to be reported as the command's peak.
    ballast = b"\x01" * (300 * 2**20)
    environment = dict(os.environ)

    idle = timed_process([sys.executable, "-c", "pass"], environment)
    holding = timed_process([sys.executable, "-c", "held = b'\\x01' * (100 * 2**20)"], environment)

    assert len(ballast) == 300 * 2**20
    assert idle.peak_mb < 60
    assert 100 < holding.peak_mb < 160
    assert 0 < idle.seconds < holding.seconds + 5


def test_a_failing_command_is_reported_with_what_it_said() -> None:
    with pytest.raises(RuntimeError, match="no such questionnaire"):
        timed_process(
            [sys.executable, "-c", "import sys; sys.exit('no such questionnaire')"],
            dict(os.environ),
        )
