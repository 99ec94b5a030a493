"""Scoring on a Dask cluster gives the same output as scoring locally, row for row."""

import pytest

import stance

pytest.importorskip("distributed", reason="the dask extra is not installed")
from distributed import LocalCluster  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        yield cluster


@pytest.fixture
def files(tmp_path):
    texts = ["Lift the sanctions now.", "No truce because they will rearm.", "Talks resume."]
    topics = ["sanctions_relief", "ceasefire"]
    for part in range(3):
        with open(tmp_path / f"part{part}.csv", "w") as fh:
            fh.write("id,text,topic,note\n")
            for i in range(40):
                n = part * 40 + i
                fh.write(f"{n},{texts[n % 3]},{topics[n % 2]},x{n}\n")
    return tmp_path


@pytest.mark.parametrize("topics", [None, ["ceasefire", "sanctions_relief"]])
def test_cluster_output_equals_local_output(cluster, files, model, tmp_path, topics):
    local = tmp_path / "local.csv"
    with open(local, "w") as out:
        for part in range(3):
            piece = tmp_path / f"local{part}.csv"
            stance.predict_file(files / f"part{part}.csv", piece, model=model, topics=topics)
            lines = piece.read_text().splitlines(keepends=True)
            out.writelines(lines if part == 0 else lines[1:])
    remote = tmp_path / "remote.csv"
    n = stance.predict_files_dask(str(files / "part*.csv"), remote, address=cluster.scheduler_address,
                                  model=model, topics=topics)
    assert n == 120
    assert remote.read_text() == local.read_text()


def test_predict_dask_returns_a_dask_frame(cluster, files, model):
    import dask.dataframe as dd
    from distributed import Client

    with Client(cluster.scheduler_address):
        frame = dd.read_csv(str(files / "part*.csv"), dtype=str, keep_default_na=False)
        scored = stance.predict_dask(frame, model=model).compute()
    assert len(scored) == 120
    assert list(scored.columns[-5:]) == ["predicted", "p_favor", "p_against", "p_none", "error"]
    assert list(scored["note"][:3]) == ["x0", "x1", "x2"]


def test_cli_scores_a_glob_on_the_cluster(cluster, files, model_dir, tmp_path):
    from typer.testing import CliRunner

    from stance.cli import app

    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["predict", "-i", str(files / "part*.csv"), "-o", str(out),
                                      "--dask", cluster.scheduler_address, "-m", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 120


@pytest.mark.parametrize("name, content", [
    ("ragged.csv", 'id,text\n1,Lift the sanctions now.\n2,too,many,fields\n3,"No truce\nnow."\n'
                   '4,\n5,Talks resume.\n'),
    ("broken.jsonl", '{"id": 1, "text": "Lift the sanctions now."}\n{"id": 2, "text": broken\n'
                     '{"id": 3, "text": "No truce\\r\\nnow.", "extra": null}\n[1]\n'),
])
def test_cluster_output_equals_local_output_byte_for_byte_on_bad_rows(cluster, model, tmp_path,
                                                                      name, content):
    # issue 11, row 5: 'nan' errors on good rows, 'a partition, line 0', pandas tracebacks
    source = tmp_path / name
    source.write_text(content)
    suffix = "jsonl" if name.endswith("jsonl") else "csv"
    local, remote = tmp_path / f"local.{suffix}", tmp_path / f"remote.{suffix}"
    n = stance.predict_file(source, local, model=model, topics=["ceasefire"])
    assert stance.predict_files_dask(str(source), remote, address=cluster.scheduler_address,
                                     model=model, topics=["ceasefire"]) == n
    assert remote.read_bytes() == local.read_bytes()
    assert b"nan" not in remote.read_bytes()
