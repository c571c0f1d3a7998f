"""``flask bench report|batch|releases|privacy``: performance figures.

Benchmarks live beside the package, not in it: a checkout of the repository has the
``flask bench`` commands (maturity.cli registers them when this package is there), an
installed wheel does not."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from maturity.cli.common import fail

# The folder of the frozen baseline HTML the whole `report pdf` command is timed
# against; none by default (it is not part of the repository).
BASELINE_VARIABLE = "MATURITY_BENCH_BASELINE"

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
    envvar=BASELINE_VARIABLE,
    help="Folder with the frozen baseline HTML (ours-zh.html, ours-en.html) for bare "
    f"WeasyPrint (or ${BASELINE_VARIABLE}); without it the whole-command figures are skipped.",
)
@click.option("--pairs", type=int, default=5, show_default=True, help="Alternating command runs.")
def bench_report_command(
    assessment_id: int | None,
    lang: str,
    count: int,
    workers: int,
    baseline: Path | None,
    pairs: int,
) -> None:
    """Print report rendering figures (fresh, bare WeasyPrint, cached, parallel, memory),
    then whole commands: start-up, `report pdf` against bare WeasyPrint, and bare
    WeasyPrint on this report's own HTML against the baseline."""
    from benchmarks import commands
    from benchmarks.report import run
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
    if baseline is None:
        click.echo(
            f"no baseline given (--baseline or ${BASELINE_VARIABLE}): whole-command report figures skipped"
        )
        return
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
    from benchmarks.batch import run

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


@bench_cli.command("releases")
@click.option(
    "--organisations",
    "sizes",
    type=int,
    multiple=True,
    default=(10_000, 106_000),
    show_default=True,
    help="Synthetic organisations of the centre (about 95 % have a round in the busiest "
    "closed year).",
)
@click.option("--runs", type=int, default=7, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def bench_releases_command(sizes: tuple[int, ...], runs: int, seed: int) -> None:
    """For each size, a centre of synthetic organisations (seeded once): its release of
    the busiest closed year computed from the database, and its dashboard served from
    the release."""
    from datetime import date

    from benchmarks.releases import busiest_closed_year, run
    from maturity.extensions import db
    from maturity.models import Centre
    from maturity.services.questionnaires import current_version
    from maturity.services.synthetic import generate

    version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    if version is None:
        fail(["no published questionnaire version: run `flask questionnaires load` first"])
    dialect = db.engine.dialect.name
    for size in sizes:
        name = f"bench-{size}-{seed}"
        centre = db.session.scalar(select(Centre).where(Centre.name == name))
        if centre is None:
            report = generate(size, seed, name, version)
            click.echo(f"[{dialect}] seeded {size:,} organisations in {report.seconds:.1f} s")
            centre = db.session.scalar(select(Centre).where(Centre.name == name))
        assert centre is not None
        centre_id = centre.id
        db.session.commit()  # hold no lock while the server thread answers
        try:
            period = busiest_closed_year(centre_id, date.today())
        except LookupError as error:
            fail([str(error)])
        for line in run(centre_id, period, runs).lines(dialect):
            click.echo(line)


@bench_cli.command("privacy")
@click.option(
    "--organisations", "size", type=click.IntRange(50, 1_000_000), default=2000, show_default=True
)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--targets", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option(
    "--release-size",
    type=click.IntRange(1000, 10_000_000),
    default=100_000,
    show_default=True,
    help="Organisations of the release whose computation is timed (in memory).",
)
def bench_privacy_command(size: int, seed: int, targets: int, release_size: int) -> None:
    """Replay the review's attacks (sock puppets, resubmission, percentile mapping)
    against releases of synthetic organisations drawn as `flask seed synthetic` draws
    them; print how far each gets and how accurate the published figures stay."""
    from benchmarks.privacy_attacks import run

    for line in run(size, seed, targets, release_size=release_size).lines():
        click.echo(line)
