"""What the import-linter contracts (pyproject.toml) cannot state."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT
from tests.helpers import in_a_fresh_process

PACKAGE = ROOT / "maturity"
# Entry points build applications of their own (Celery workers); the benchmarks, which
# do too, live beside the package (benchmarks/), not in it.
ENTRY_POINTS = {PACKAGE / "__init__.py", PACKAGE / "worker.py"}
MAX_MODULE_LINES = 400


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_nothing_but_the_entry_points_creates_the_app() -> None:
    offenders = []
    for path in modules():
        if path in ENTRY_POINTS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            if "create_app" in names:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_no_module_is_longer_than_the_limit() -> None:
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in modules()
    }
    assert {path: n for path, n in lengths.items() if n > MAX_MODULE_LINES} == {}


def test_creating_the_app_imports_no_heavy_library(tmp_path: Path) -> None:
    """WeasyPrint (about a second), NumPy, openpyxl, Alembic (through Flask-Migrate),
    Celery and PyYAML (published questionnaires are read from JSON) load where they
    are used, not in every web worker, Celery worker and
    command at start-up, where most of them would never be used."""
    script = (
        "import sys\n"
        "from maturity import create_app\n"
        "create_app()\n"
        "heavy = ('weasyprint', 'numpy', 'openpyxl', 'alembic', 'flask_migrate', 'celery', 'kombu', 'yaml')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    assert in_a_fresh_process(script, tmp_path).strip() == ""


def test_creating_the_app_loads_no_page_and_no_model(tmp_path: Path) -> None:
    """A command or a Celery worker that serves no page does not pay for the views
    and the models; reading the URL map loads them, and what reads every table (the
    data export) still finds every table."""
    script = (
        "import sys\n"
        "from maturity import create_app\n"
        "app = create_app()\n"
        "loaded = [m for m in ('maturity.models', 'maturity.assessments', 'maturity.api')"
        " if m in sys.modules]\n"
        "from maturity.services import backup\n"
        "from maturity.extensions import db\n"
        "with app.app_context():\n"
        "    exported = len(backup._tables())\n"
        "import maturity.models\n"
        "print(loaded, exported == len(db.metadata.tables) > 20)\n"
        "rules = len(list(app.url_map.iter_rules()))\n"
        "print('maturity.assessments' in sys.modules, rules > 80)\n"
    )
    assert in_a_fresh_process(script, tmp_path).splitlines() == ["[] True", "True True"]


def _declares_a_task(tree: ast.AST) -> list[int]:
    """Lines of ``@queue.task(...)`` and ``@queue.sweep`` decorators."""
    lines = []
    for node in ast.walk(tree):
        for decorator in getattr(node, "decorator_list", []):
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (
                isinstance(target, ast.Attribute)
                and target.attr in ("task", "sweep")
                and isinstance(target.value, ast.Name)
                and target.value.id == "queue"
            ):
                lines.append(decorator.lineno)
    return lines


def test_every_job_lives_in_a_tasks_module_that_is_found() -> None:
    from maturity import queue

    declaring = {
        path for path in modules() if _declares_a_task(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert {p.relative_to(ROOT).as_posix() for p in declaring if p.name != "tasks.py"} == set()
    found = {f"{name.replace('.', '/')}.py" for name in queue.task_modules()}
    assert found == {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("tasks.py")}
    assert len(found) >= 3


def test_every_declared_task_is_registered_with_celery(tmp_path: Path) -> None:
    """In a fresh process, as a worker starts: nothing imported beforehand."""
    script = (
        "from maturity import create_app, queue\n"
        "celery = queue.celery_of(create_app())\n"
        "declared = set(queue.declared_tasks())\n"
        "missing = declared - set(celery.tasks)\n"
        "print(len(declared), sorted(missing))\n"
    )
    count, missing = in_a_fresh_process(script, tmp_path).strip().split(" ", 1)
    assert missing == "[]" and int(count) >= 8
