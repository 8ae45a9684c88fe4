"""The layers stay one-way: ``innercircle/`` is pure logic. Only the command
(``innercircle/cli.py``) reaches Dagster, through ``pipelines/runner.py``; the benchmarks
through it and ``pipelines/bench.py``."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAGSTER_LAYER = ("dagster", "dagster_duckdb", "dagster_webserver", "assets", "pipelines")


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_innercircle_imports_no_dagster_except_the_cli_through_the_runner():
    crossing = {
        (str(path.relative_to(ROOT)), module)
        for path in (ROOT / "innercircle").rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in DAGSTER_LAYER
    }
    assert crossing == {("innercircle/cli.py", "pipelines.runner")}


def test_benchmarks_reach_dagster_only_through_the_runner_and_the_bench_adapter():
    adapters = {"pipelines.runner", "pipelines.bench"}
    crossing = {
        (path.name, module)
        for path in (ROOT / "benchmarks").glob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in DAGSTER_LAYER and module not in adapters
    }
    assert crossing == set()


def test_tests_take_logic_from_stages_and_only_definitions_from_assets():
    import importlib

    import dagster as dg

    definitions = (dg.AssetsDefinition, dg.AssetChecksDefinition, list)
    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assets")):
                continue
            if node.module == "assets.resources":  # resources are definitions too
                continue
            module = importlib.import_module(node.module)
            for alias in node.names:
                if alias.name.endswith("_metadata"):  # how an asset describes itself in the UI
                    continue
                value = getattr(module, alias.name)
                assert isinstance(value, definitions), (path.name, node.module, alias.name)


def test_asset_modules_declare_and_call_stages_holding_no_sql():
    """An asset module declares (inputs, resources, metadata) and calls a stage: the SQL
    and the transactions live in ``innercircle/`` (stages, ``warehouse``), where they are
    tested without Dagster."""
    holding = []
    for path in (ROOT / "assets").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if called and node.func.attr in ("execute", "executemany", "sql", "begin", "commit"):
                holding.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
    assert holding == []
