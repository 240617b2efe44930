"""Rewrite the golden summaries of the example county (run when a change of numbers is intended).

    python tests/data/golden/make_golden.py

Say in the commit message which figures changed and why; ``tests/test_golden.py``
compares every run of the example with these files byte for byte.
"""

from pathlib import Path

import gep
from gep.io.summary import dumps

HERE = Path(__file__).resolve().parent
CONFIGS = ("gep.toml", "gep-spatial.toml", "gep-value-transfer.toml")


def summaries() -> dict[str, str]:
    folder = Path(gep.example_config()).parent
    return {name: dumps(gep.Account.from_config(folder / name).run().summary()) for name in CONFIGS}


if __name__ == "__main__":
    for name, text in summaries().items():
        (HERE / f"{name}.summary.json").write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {HERE / f'{name}.summary.json'}")
