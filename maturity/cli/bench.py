"""``flask bench report|batch|dashboard|privacy``: performance figures."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from maturity.cli.common import fail

# The report baseline of 2026-11-27 that issue 19 times against (beside the repository).
DEFAULT_BASELINE = Path(__file__).resolve().parents[3] / "shared" / "bench" / "report-2026-11-27"

bench_cli = AppGroup("bench", help="Performance figures.")


@bench_cli.command("report")
@click.option(
    "--assessment", "assessment_id", type=int, help="Default: the latest submitted assessment."
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--count", type=int, default=50, show_default=True, help="Reports in the serial/parallel run."
)
@click.option("--workers", type=int, default=2, show_default=True)
@click.option(
    "--baseline",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_BASELINE,
    show_default=True,
    help="Folder with the frozen baseline HTML (ours-zh.html, ours-en.html) for bare WeasyPrint.",
)
@click.option("--pairs", type=int, default=5, show_default=True, help="Alternating command runs.")
def bench_report_command(
    assessment_id: int | None, lang: str, count: int, workers: int, baseline: Path, pairs: int
) -> None:
    """Print report rendering figures (fresh, bare WeasyPrint, cached, parallel, memory),
    then whole commands: start-up, `report pdf` against bare WeasyPrint, and bare
    WeasyPrint on this report's own HTML against the baseline."""
    from maturity.bench import commands
    from maturity.bench.report import run
    from maturity.extensions import db
    from maturity.models import Assessment, AssessmentStatus

    if assessment_id is None:
        assessment_id = db.session.scalar(
            select(Assessment.id)
            .where(Assessment.status == AssessmentStatus.SUBMITTED)
            .order_by(Assessment.id.desc())
            .limit(1)
        )
        if assessment_id is None:
            fail(
                [
                    "no submitted assessment: run `flask seed demo` (after `flask questionnaires load`) first"
                ]
            )
    for line in run(assessment_id, lang, count, workers).lines():
        click.echo(line)
    started = commands.startup(pairs)
    click.echo(
        f"`flask --app maturity --help`:      {started.ours:.3f} s, importing Flask and its "
        f"extensions {started.reference:.3f} s = {started.ratio:.2f}x"
    )
    if not (baseline / f"ours-{lang}.html").exists():
        click.echo(f"no baseline HTML in {baseline}: whole-command report figures skipped")
        return
    command = commands.report_command(assessment_id, lang, baseline, pairs)
    click.echo(
        f"`flask report pdf` (whole process): {command.ours:.3f} s, bare WeasyPrint on "
        f"{baseline.name}/ours-{lang}.html {command.reference:.3f} s = {command.ratio:.2f}x "
        f"(median of {pairs} alternating pairs)"
    )
    click.echo(
        f"peak memory of `flask report pdf`:  {command.peak_mb:.0f} MB (the largest of the runs)"
    )
    from maturity.reports.render import render_html
    from maturity.services.reports import load_report_data

    html = render_html(load_report_data(assessment_id, lang))
    floor = commands.report_floor(html, lang, baseline, pairs)
    click.echo(
        f"bare WeasyPrint on this report's own HTML: {floor.ours:.3f} s, on the baseline "
        f"{floor.reference:.3f} s = {floor.ratio:.2f}x (the content alone, no application: "
        f"the least `report pdf` can take)"
    )


@bench_cli.command("batch")
@click.option("--reports", type=click.IntRange(1, 5000), default=100, show_default=True)
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    multiple=True,
    default=(1, 2),
    show_default=True,
    help="Worker pool sizes to compare, one run each.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--broker",
    envvar="MATURITY_BROKER_URL",
    default="redis://127.0.0.1:6379/0",
    show_default=True,
    help="Redis for the workers (each run has a queue of its own).",
)
def bench_batch_command(reports: int, processes: tuple[int, ...], lang: str, broker: str) -> None:
    """A batch of the latest submitted reports on real workers, cache empty, with each
    pool size: time from queueing to the finished ZIP, and the speed-up."""
    from maturity.bench.batch import run

    runs = run(reports, list(processes), broker, lang)
    if runs and runs[0].reports < reports:
        click.echo(
            f"only {runs[0].reports} submitted assessments (`flask seed synthetic` adds more)"
        )
    for figure in runs:
        click.echo(
            f"batch of {figure.reports} reports ({lang}), {figure.processes} worker process(es): "
            f"{figure.seconds:.1f} s, {figure.per_second:.2f} reports/s, "
            f"{runs[0].seconds / figure.seconds:.2f}x the first"
        )


@bench_cli.command("dashboard")
@click.option(
    "--organisations",
    "sizes",
    type=int,
    multiple=True,
    default=(10_000, 100_000),
    show_default=True,
)
@click.option("--runs", type=int, default=5, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def bench_dashboard_command(sizes: tuple[int, ...], runs: int, seed: int) -> None:
    """For each size, a fresh centre of synthetic organisations: dashboard vs bare SQL."""
    from maturity.bench.dashboard import run
    from maturity.extensions import db
    from maturity.services.questionnaires import current_version
    from maturity.services.synthetic import generate

    version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    if version is None:
        fail(["no published questionnaire version: run `flask questionnaires load` first"])
    dialect = db.engine.dialect.name
    for size in sizes:
        name = f"bench-{size}-{seed}"
        from maturity.models import Centre

        centre = db.session.scalar(select(Centre).where(Centre.name == name))
        if centre is None:
            report = generate(size, seed, name, version)
            click.echo(f"[{dialect}] seeded {size} organisations in {report.seconds:.1f} s")
            centre = db.session.scalar(select(Centre).where(Centre.name == name))
        assert centre is not None
        centre_id, version_id = centre.id, version.id
        db.session.commit()  # hold no lock while the server thread answers
        dashboard, uncached, headline, everything, organisations = run(centre_id, version_id, runs)
        click.echo(
            f"[{dialect}] {organisations} organisations, full HTTP response, median of {runs}: "
            f"dashboard {dashboard * 1000:.0f} ms, after a change (cache empty) {uncached * 1000:.0f} ms; "
            f"bare SQL for the headline numbers {headline * 1000:.0f} ms "
            f"(ratios {dashboard / headline:.2f} and {uncached / headline:.2f}); "
            f"one hand-written query for every number shown {everything * 1000:.0f} ms "
            f"(ratios {dashboard / everything:.2f} and {uncached / everything:.2f})"
        )


@bench_cli.command("privacy")
@click.option(
    "--organisations", "size", type=click.IntRange(50, 1_000_000), default=2000, show_default=True
)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--targets", type=click.IntRange(1, 10_000), default=100, show_default=True)
def bench_privacy_command(size: int, seed: int, targets: int) -> None:
    """Replay the differencing attacks on synthetic organisations; print how far they get
    and how accurate the published figures stay (seeds a centre of that size once)."""
    from maturity.bench.privacy import run

    try:
        figures = run(size, seed, targets)
    except LookupError as error:
        fail([str(error)])
    for line in figures.lines():
        click.echo(line)
