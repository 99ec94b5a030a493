"""The README's two set-up commands stay true: CI runs the second one verbatim."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def code_blocks():
    return re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


def test_readme_opens_with_the_main_job_and_the_test_command():
    main, tests = code_blocks()[:2]
    assert main.strip().startswith("pip install . && python train.py && stance predict")
    assert tests.strip() == 'pip install ".[test]" && python -m pytest'


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert code_blocks()[1].strip() in ci.splitlines()
