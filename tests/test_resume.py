"""Batch jobs lose nothing: an interrupted or failed run continues with --resume."""

import errno
import json
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

import stance
from stance._writers import RowWriter
from stance.cli import app

ROOT = Path(__file__).resolve().parent.parent


def make_input(path: Path, n: int) -> Path:
    texts = ["Lift the sanctions now.", "No truce because they will rearm.", "Talks resume."]
    path.write_text("id,text\n" + "".join(f"{i},{texts[i % 3]} {i}\n" for i in range(n)))
    return path


def test_a_killed_run_resumes_without_duplicates_or_gaps(model_dir, tmp_path):
    n = 60_000
    source = make_input(tmp_path / "big.csv", n)
    out = tmp_path / "out.csv"
    command = [sys.executable, "-m", "stance", "predict", "-i", str(source), "-o", str(out),
               "-m", str(model_dir), "-t", "ceasefire"]
    state = tmp_path / "out.csv.partial.json"
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and run.poll() is None:
        if state.is_file() and json.loads(state.read_text())["rows"] > 0:
            run.kill()
            break
        time.sleep(0.01)
    run.wait()
    assert not out.exists(), "the run finished before it could be killed"
    kept = json.loads(state.read_text())["rows"]
    assert 0 < kept < n
    with open(tmp_path / "out.csv.partial", "a") as fh:
        fh.write("4097,a row torn by the kill")  # bytes after the last checkpoint
    subprocess.run(command + ["--resume"], cwd=ROOT, check=True, capture_output=True)
    clean = tmp_path / "clean.csv"
    subprocess.run([str(clean) if part == str(out) else part for part in command], cwd=ROOT,
                   check=True, capture_output=True)
    assert out.read_text() == clean.read_text()
    assert not state.exists()


def test_resume_refuses_another_input(model, tmp_path):
    source = make_input(tmp_path / "in.csv", 10)
    out = tmp_path / "out.csv"
    partial = tmp_path / "out.csv.partial"
    state = tmp_path / "out.csv.partial.json"
    partial.write_text("")
    state.write_text(json.dumps({"fingerprint": {"input": "elsewhere"}, "rows": 0, "bytes": 0}))
    try:
        stance.predict_file(source, out, model=model, resume=True)
    except stance.StanceError as error:
        assert "started on another input file" in str(error)
    else:
        raise AssertionError("resumed on another input")
    (tmp_path / "out.csv.partial.json").unlink()
    try:
        stance.predict_file(source, out, model=model, resume=True)
    except stance.StanceError as error:
        assert "Nothing to resume" in str(error) or "no out.csv.partial" in str(error)


def test_a_full_disk_is_a_clear_error_and_resumable(model_dir, tmp_path, monkeypatch):
    source = make_input(tmp_path / "in.csv", 9000)
    out = tmp_path / "out.csv"
    real_write = RowWriter.write

    def write(self, row):
        if self.count >= 5000:
            raise OSError(errno.ENOSPC, "No space left on device", str(out) + ".partial")
        real_write(self, row)

    monkeypatch.setattr(RowWriter, "write", write)
    args = ["predict", "-i", str(source), "-o", str(out), "-m", str(model_dir), "-t",
            "ceasefire"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert "rows are safe in out.csv.partial; run the same command with --resume" in \
        result.stderr
    assert not out.exists()
    monkeypatch.setattr(RowWriter, "write", real_write)
    assert CliRunner().invoke(app, args + ["--resume"]).exit_code == 0
    rows = out.read_text().splitlines()
    assert len(rows) == 9001 and rows[-1].startswith("8999,")


def test_a_one_megabyte_statement_is_scored(model_dir, tmp_path):
    source = tmp_path / "big.csv"
    source.write_text("text\n" + "No truce now. " * 75_000 + "\nLift the sanctions.\n")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["predict", "-i", str(source), "-o", str(out), "-m",
                                      str(model_dir), "-t", "ceasefire"])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 3


def test_a_resumable_output_keeps_the_mode_of_the_file_it_replaces(tmp_path, model_dir,
                                                                    corpus_csv):
    # issue 11, row 11, for `stance predict -i FILE -o OUT`
    import stat

    from typer.testing import CliRunner

    from stance.cli import app

    out = tmp_path / "scored.csv"
    out.write_text("old\n")
    out.chmod(0o640)
    result = CliRunner().invoke(app, ["predict", "-i", str(corpus_csv), "-m", str(model_dir),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text() != "old\n"


def _interrupted(source, out, model, **options):
    """Start scoring ``source`` into ``out`` and stop it after its first checkpoint."""
    def stop(rows, _bytes):
        raise KeyboardInterrupt

    try:
        stance.predict_file(source, out, model=model, batch_size=4, progress=stop, **options)
    except KeyboardInterrupt:
        pass
    assert (out.parent / (out.name + ".partial.json")).is_file()


def test_resume_refuses_another_model_or_setting_and_names_it(model, corpus, tmp_path):
    # issue 11, row 3: --resume with another model scored one file with two models
    source = make_input(tmp_path / "in.csv", 20)
    out = tmp_path / "out.csv"
    other = stance.StanceClassifier(C=0.5).fit(corpus.X, corpus.y)
    cases = [({"model": other}, "another model"),
             ({"model": model, "strict": True}, "another strict"),
             ({"model": model, "allow_new_topics": True}, "another allow_new_topics"),
             ({"model": model, "topics": ["ceasefire"]}, "another topics")]
    for change, name in cases:
        _interrupted(source, out, model)
        try:
            stance.predict_file(source, out, resume=True, **change)
        except stance.StanceError as error:
            assert name in str(error), (name, str(error))
        else:
            raise AssertionError(f"resumed with {change}")
    # through the command line, the refusal does not also say "run the same command"
    result = CliRunner().invoke(app, ["predict", "-i", str(source), "-o", str(out),
                                      "--min-confidence", "0.5", "--resume"])
    assert result.exit_code == 1 and "another min_confidence" in result.stderr
    assert "rows are safe" not in result.stderr
    assert stance.predict_file(source, out, model=model, resume=True) == 20


def test_a_second_run_on_the_same_output_is_refused(model, tmp_path):
    # issue 11, row 2: two runs on one output mixed their rows in one file
    import fcntl

    source = make_input(tmp_path / "in.csv", 10)
    out = tmp_path / "out.csv"
    (tmp_path / "out.csv.lock").write_text("the user's own file\n")
    with open(tmp_path / "out.csv.partial.lock", "w") as held:  # another run's lock
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            stance.predict_file(source, out, model=model)
        except stance.StanceError as error:
            assert "another stance run is writing" in str(error)
            assert "out.csv" in str(error)
        else:
            raise AssertionError("two runs wrote the same output")
        # the other run's checkpoint is not this run's: no "rows are safe" hint
        (tmp_path / "out.csv.partial.json").write_text('{"rows": 7}')
        result = CliRunner().invoke(app, ["predict", "-i", str(source), "-o", str(out)])
        assert result.exit_code == 1 and "another stance run" in result.stderr
        assert "rows are safe" not in result.stderr
        (tmp_path / "out.csv.partial.json").unlink()
    assert not out.exists()
    assert stance.predict_file(source, out, model=model) == 10
    assert not (tmp_path / "out.csv.partial.lock").exists()
    assert (tmp_path / "out.csv.lock").read_text() == "the user's own file\n"


def test_a_stale_checkpoint_without_its_partial_gives_one_message(tmp_path, model_dir):
    # issue 11, smaller ones: "nothing to resume" and "5 rows are safe" in one message
    source = make_input(tmp_path / "in.csv", 3)
    (tmp_path / "out.csv.partial.json").write_text('{"fingerprint": {}, "rows": 5, "bytes": 9}')
    result = CliRunner().invoke(app, ["predict", "-i", str(source), "-o",
                                      str(tmp_path / "out.csv"), "-m", str(model_dir),
                                      "--resume"])
    assert result.exit_code == 1
    assert "Nothing to resume" in result.stderr and "rows are safe" not in result.stderr


def test_ctrl_c_always_exits_130(tmp_path, model_dir, monkeypatch):
    # issue 11, smaller ones: Ctrl-C exited 1 or 130 depending on when it came
    source = make_input(tmp_path / "in.csv", 3)
    out = tmp_path / "out.csv"

    def interrupted(*args, **kwargs):
        (tmp_path / "out.csv.partial").write_text("id,text\n")
        (tmp_path / "out.csv.partial.json").write_text('{"rows": 0}')
        raise KeyboardInterrupt

    for stub in (interrupted, lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt)):
        monkeypatch.setattr("stance._batch.predict_file", stub)
        result = CliRunner().invoke(app, ["predict", "-i", str(source), "-o", str(out),
                                          "-m", str(model_dir)])
        assert result.exit_code == 130, result.output
        assert result.stderr.startswith("error: interrupted.")
