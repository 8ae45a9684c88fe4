"""Reading the tree is easy: every Python package says in its docstring what lives there,
and asset modules are files named for their group, not package ``__init__`` files."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_says_what_lives_there():
    packages = [p for top in ("innercircle", "assets", "pipelines", "tests")
                for p in (ROOT / top).rglob("__init__.py")]
    assert len(packages) >= 8
    silent = [
        str(p.relative_to(ROOT))
        for p in packages
        if len(ast.get_docstring(ast.parse(p.read_text("utf-8"))) or "") < 40
    ]
    assert silent == []


def test_asset_groups_live_in_modules_named_for_them():
    import dagster as dg

    from pipelines.definitions import ALL_ASSETS

    for definition in ALL_ASSETS:
        for spec in definition.specs:
            module = definition.op.compute_fn.decorated_fn.__module__ if isinstance(
                definition.node_def, dg.OpDefinition) else None
            if module is None or module.startswith("assets.crawl"):  # the crawl's own layout
                continue
            assert not sys.modules[module].__file__.endswith("__init__.py"), module
            # Source suggestions sit in the profiles group: both read the ranked voices.
            stem = module.rsplit(".", 1)[-1]
            assert stem in (spec.group_name, "suggestions"), (spec.key, module)
