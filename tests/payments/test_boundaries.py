"""payments knows no domain: it imports nothing from market, tourism, api or village (floors point down)."""

import ast
from pathlib import Path

import payments

FORBIDDEN = {"market", "tourism", "api", "village", "themes", "tests"}


def imported_top_level_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_payments_imports_no_higher_floor():
    root = Path(payments.__file__).parent
    offenders = {
        str(path.relative_to(root)): sorted(imported_top_level_packages(path) & FORBIDDEN)
        for path in root.rglob("*.py")
        if imported_top_level_packages(path) & FORBIDDEN
    }
    assert offenders == {}
