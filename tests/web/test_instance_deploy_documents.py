"""Deploying several documents (issue 12 item 4) from the upload form, the CLI and the API: a
BPMN file with its DMN file, and a collaboration whose main process is named."""

from io import BytesIO
from pathlib import Path

import engine

DIAGRAMS = Path(__file__).parents[1] / "bpmn" / "diagrams"


def _file(name):
    return (BytesIO((DIAGRAMS / name).read_bytes()), name)


def test_the_upload_form_deploys_a_bpmn_file_with_its_dmn_file(client, auth, session):
    auth.login("admin")
    r = client.post("/admin/processes/deploy", data={"file": [_file("decide_band.bpmn")]},
                    content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 400 and "wage_band" in r.text
    r = client.post("/admin/processes/deploy", content_type="multipart/form-data",
                    data={"file": [_file("wage_band.dmn"), _file("decide_band.bpmn")]})  # fmt: skip
    assert r.status_code == 302
    assert [d.version for d in engine.list_definitions(session, "decide_band")] == [1]
    r = client.post("/admin/processes/deploy", content_type="multipart/form-data",
                    data={"file": [_file("wage_band.dmn")]})  # fmt: skip
    assert r.status_code == 400 and "BPMN" in r.text


def test_the_cli_deploys_several_files_and_names_the_main_process(app, session):
    runner = app.test_cli_runner()
    paths = [str(DIAGRAMS / "decide_band.bpmn"), str(DIAGRAMS / "wage_band.dmn")]
    result = runner.invoke(args=["engine", "deploy", *paths])
    assert result.exit_code == 0 and "decide_band v1" in result.output, result.output
    result = runner.invoke(args=["engine", "deploy", str(DIAGRAMS / "collaboration.bpmn"),
                                 "--main", "payer"])  # fmt: skip
    assert result.exit_code == 0 and "payer v1" in result.output, result.output


def test_the_api_deploys_multipart_files_with_a_main_process(client, auth):
    auth.login("admin")
    r = client.post("/api/definitions?main=pay_and_bank", data=(DIAGRAMS / "collaboration.bpmn")
                    .read_bytes(), content_type="application/xml")  # fmt: skip
    assert r.status_code == 200 and r.json["process_id"] == "pay_and_bank"
    r = client.post("/api/definitions", content_type="multipart/form-data",
                    data={"file": [_file("decide_band.bpmn"), _file("wage_band.dmn")]})  # fmt: skip
    assert r.status_code == 200 and r.json["deployed"][0]["process_id"] == "decide_band"
