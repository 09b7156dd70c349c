"""Imports a generated package and every module in it: python import_all.py <package> <dir holding it>.

Prints `<package>: imported N modules`; any module that fails to import fails the run (walk_packages would
otherwise skip a sub-package whose __init__ raises, silently).
"""

import importlib
import pkgutil
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: python import_all.py <package> <dir holding it>", file=sys.stderr)
        return 2
    name, where = sys.argv[1], sys.argv[2]
    sys.path.insert(0, where)
    package = importlib.import_module(name)
    if not str(getattr(package, "__file__", "") or "").startswith(where.rstrip("/") + "/"):
        print(f"{name} was imported from {package.__file__}, not from {where}", file=sys.stderr)
        return 1

    def fail(module: str) -> None:
        raise ImportError(f"cannot import {module}")

    count = 1
    for info in pkgutil.walk_packages(package.__path__, name + ".", onerror=fail):
        importlib.import_module(info.name)
        count += 1
    if count < 3:
        print(f"{name}: only {count} module(s): the generator produced next to nothing", file=sys.stderr)
        return 1
    print(f"{name}: imported {count} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
